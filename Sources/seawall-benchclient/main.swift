// seawall-benchclient: the end-to-end benchmark's client (tools/bench). It measures the compositor, not
// itself: every buffer's pixels are made once at start, and a frame only rewrites the box that moved (or
// nothing, for full damage: the three buffers hold three different pictures), then attach, damage_buffer,
// wl_surface.frame, wp_presentation.feedback and commit.
//
//   seawall-benchclient [--size WxH] [--format xrgb|argb] [--damage full|box] [--windows N] [--fullscreen]
//                       [--warmup SECONDS] [--seconds SECONDS] [--socket NAME]
//   seawall-benchclient memcpy BYTES      (the memcpy of the same byte count, warm and cold)
//
// N windows are N xdg_toplevels on one connection (one process), each with its own sealed pool of three
// buffers. Output, one line each, flushed:
//   benchclient: measuring                          (after the warm-up; the driver samples the compositor here)
//   benchclient: result windows=N seconds=S frames=F fps=X fps_min=Y c2p_p50_ms=A c2p_p99_ms=B presented=P
//                discarded=D damaged_bytes=BYTES clock=ID
// `frames` counts frame callbacks over all windows in the measured interval; fps is per window (mean, and
// the slowest window); c2p is wp_presentation's presented time minus the time taken just before
// wl_surface.commit, on the clock the compositor announced; damaged_bytes is per output frame (all windows).
import CClientShims
import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

struct Options {
    var width = 1920, height = 1080
    var argb = false
    var box = false
    var windows = 1
    var fullscreen = false
    var warmup = 1.0
    var seconds = 5.0
    var socket: String?
}

func fail(_ message: String) -> Never {
    let line = "seawall-benchclient: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

func parseSize(_ text: String) -> (Int, Int)? {
    let parts = text.split(separator: "x")
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0, w <= 16384, h <= 16384 else { return nil }
    return (w, h)
}

func now(_ clock: clockid_t) -> UInt64 {
    var t = timespec()
    clock_gettime(clock, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

// MARK: memcpy reference

/// The median time of a memcpy of `bytes`: warm (the same source and destination every time) and cold
/// (source and destination rotate through at least 256 MiB, so neither is in any cache).
func measureMemcpy(bytes: Int) {
    let pairs = min(256, max(4, (256 << 20) / max(1, 2 * bytes)))
    var sources: [UnsafeMutableRawPointer] = []
    var targets: [UnsafeMutableRawPointer] = []
    for _ in 0..<pairs {
        guard let s = malloc(bytes), let d = malloc(bytes) else { fail("out of memory") }
        memset(s, 0x5a, bytes); memset(d, 0xa5, bytes)
        sources.append(s); targets.append(d)
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    var warm: [Double] = []
    for i in 0..<60 {
        let t0 = now(CLOCK_MONOTONIC)
        memcpy(targets[0], sources[0], bytes)
        if i >= 5 { warm.append(Double(now(CLOCK_MONOTONIC) - t0) / 1e6) }
    }
    var cold: [Double] = []
    let rounds = max(2, 60 / pairs + 1)
    for r in 0..<rounds {
        for p in 1..<pairs {
            let t0 = now(CLOCK_MONOTONIC)
            memcpy(targets[p], sources[p], bytes)
            if r > 0 { cold.append(Double(now(CLOCK_MONOTONIC) - t0) / 1e6) }
        }
    }
    print("memcpy: bytes=\(bytes) warm_ms=\(fmt(median(warm))) cold_ms=\(fmt(median(cold)))")
    for p in 0..<pairs { free(sources[p]); free(targets[p]) }
}

func fmt(_ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 32)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.4f", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

// MARK: The benchmark

struct Rect { var x: Int, y: Int, w: Int, h: Int }

final class Bench {
    let options: Options
    let display: OpaquePointer
    let globals = ClientGlobals(wmBaseVersion: 3)
    var windows: [BenchWindow] = []
    var presentationClock = CLOCK_MONOTONIC
    var clockAnnounced: UInt32 = UInt32(CLOCK_MONOTONIC)
    /// Commit times of the feedbacks in flight, by the token passed as their listener data.
    var inFlight: [UInt: UInt64] = [:]
    var nextToken: UInt = 1
    var measuring = false
    var latencies: [Double] = []
    var discarded = 0
    var presented = 0
    var failed: String?

    init(options: Options) {
        self.options = options
        sw_client_capture_log(1)
        guard let display = wl_display_connect(options.socket) else { fail("cannot connect to \(options.socket ?? "$WAYLAND_DISPLAY")") }
        self.display = display
        do { try globals.discover(on: display) } catch { fail("\(error)") }
        guard let presentation = globals.presentation else { fail("the compositor does not offer wp_presentation") }
        wp_presentation_add_listener(presentation, BenchListeners.presentation, Unmanaged.passUnretained(self).toOpaque())
        wl_display_roundtrip(display)
    }

    func run() {
        for index in 0..<options.windows { windows.append(BenchWindow(bench: self, index: index)) }
        let start = now(CLOCK_MONOTONIC)
        let measureFrom = start + UInt64(options.warmup * 1e9)
        let measureUntil = measureFrom + UInt64(options.seconds * 1e9)
        while true {
            let t = now(CLOCK_MONOTONIC)
            if !measuring && t >= measureFrom {
                measuring = true
                for window in windows { window.shown = 0 }
                latencies.removeAll(keepingCapacity: true); discarded = 0; presented = 0
                print("benchclient: measuring"); fflush(nil)
            }
            if measuring && t >= measureUntil { break }
            if let failed { fail(failed) }
            if !turn(timeoutMs: 50) {
                fail("lost the connection: \(String(cString: strerror(wl_display_get_error(display))))")
            }
        }
        let shown = windows.map(\.shown)
        let frames = shown.reduce(0, +)
        let fps = Double(frames) / Double(windows.count) / options.seconds
        let fpsMin = Double(shown.min() ?? 0) / options.seconds
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
        }
        let damaged = windows.reduce(0) { $0 + $1.damagedBytesPerFrame }
        print("benchclient: result windows=\(windows.count) seconds=\(fmt(options.seconds)) frames=\(frames) fps=\(fmt(fps)) fps_min=\(fmt(fpsMin)) c2p_p50_ms=\(fmt(percentile(0.5))) c2p_p99_ms=\(fmt(percentile(0.99))) presented=\(presented) discarded=\(discarded) damaged_bytes=\(damaged) clock=\(clockAnnounced)")
        fflush(nil)
        wl_display_flush(display)
    }

    /// prepare_read / flush / poll with a timeout / read_events / dispatch_pending. False when the
    /// connection failed.
    func turn(timeoutMs: Int32) -> Bool {
        while wl_display_prepare_read(display) != 0 {
            if wl_display_dispatch_pending(display) < 0 { return false }
        }
        var events = Int16(POLLIN)
        if wl_display_flush(display) < 0 {
            if errno == EAGAIN { events |= Int16(POLLOUT) } else if errno != EPIPE { wl_display_cancel_read(display); return false }
        }
        var fds = [pollfd(fd: wl_display_get_fd(display), events: events, revents: 0)]
        let ready = poll(&fds, 1, timeoutMs)
        if ready > 0 && fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            if wl_display_read_events(display) < 0 { return false }
        } else {
            wl_display_cancel_read(display)
        }
        return wl_display_dispatch_pending(display) >= 0
    }

    /// wp_presentation.feedback for the commit about to happen; returns its token.
    func requestFeedback(surface: OpaquePointer) {
        guard let presentation = globals.presentation,
              let feedback = wp_presentation_feedback(presentation, surface) else { return }
        let token = nextToken
        nextToken &+= 1
        wp_presentation_feedback_add_listener(feedback, BenchListeners.feedback, UnsafeMutableRawPointer(bitPattern: token))
        inFlight[token] = now(presentationClock)
    }

    func feedbackPresented(token: UInt, at time: UInt64) {
        guard let committed = inFlight.removeValue(forKey: token) else { return }
        guard measuring else { return }
        presented += 1
        latencies.append(Double(Int64(bitPattern: time &- committed)) / 1e6)
    }

    func feedbackDiscarded(token: UInt) {
        guard inFlight.removeValue(forKey: token) != nil, measuring else { return }
        discarded += 1
    }
}

/// One toplevel: a sealed pool of three buffers, drawn once at start; a frame rewrites the moving box only.
final class BenchWindow {
    unowned let bench: Bench
    let index: Int
    let width: Int, height: Int
    let stride: Int, slotSize: Int
    let memory: ClientPoolMemory
    var buffers: [OpaquePointer] = []
    var busy = [false, false, false]
    /// Where each buffer's box is now (box damage).
    var boxIn: [Rect?] = [nil, nil, nil]
    let background: [UInt32]
    let boxSize: (w: Int, h: Int)
    let surface: OpaquePointer
    let xdgSurface: OpaquePointer
    let toplevel: OpaquePointer
    var configured = false
    var frameIndex = 0
    var next = 0
    var lastBox: Rect?
    var waitingForBuffer = false
    var shown = 0
    var damagedBytesPerFrame = 0

    init(bench: Bench, index: Int) {
        self.bench = bench
        self.index = index
        let options = bench.options
        width = options.width; height = options.height
        stride = width * 4; slotSize = stride * height
        do { memory = try ClientPoolMemory(size: 3 * slotSize, kind: .sealed) } catch { fail("cannot make the pool: \(error)") }
        let format = options.argb ? WL_SHM_FORMAT_ARGB8888.rawValue : WL_SHM_FORMAT_XRGB8888.rawValue
        guard let pool = wl_shm_create_pool(bench.globals.shm, memory.fd.rawValue, Int32(3 * slotSize)) else { fail("create_pool") }
        for slot in 0..<3 {
            guard let buffer = wl_shm_pool_create_buffer(pool, Int32(slot * slotSize), Int32(width), Int32(height), Int32(stride), format) else { fail("create_buffer") }
            buffers.append(buffer)
        }
        wl_shm_pool_destroy(pool)
        let (w, h, argb, box, size) = (width, height, options.argb, options.box, slotSize)
        let background = BenchWindow.picture(width: w, height: h, argb: argb, window: index, variant: 0)
        self.background = background
        let side = 0.316227766  // sqrt(0.1): the box is 10 % of the window's area
        boxSize = (max(1, Int(Double(width) * side)), max(1, Int(Double(height) * side)))
        memory.withMutableBytes { bytes in
            for slot in 0..<3 {
                let pixels = box ? background : BenchWindow.picture(width: w, height: h, argb: argb, window: index, variant: slot)
                pixels.withUnsafeBytes { source in
                    (bytes.baseAddress! + slot * size).copyMemory(from: source.baseAddress!, byteCount: size)
                }
            }
        }
        guard let surface = wl_compositor_create_surface(bench.globals.compositor),
              let xdgSurface = xdg_wm_base_get_xdg_surface(bench.globals.wmBase, surface),
              let toplevel = xdg_surface_get_toplevel(xdgSurface) else { fail("cannot create the window") }
        self.surface = surface; self.xdgSurface = xdgSurface; self.toplevel = toplevel
        let data = Unmanaged.passUnretained(self).toOpaque()
        for buffer in buffers { wl_buffer_add_listener(buffer, BenchListeners.buffer, data) }
        xdg_surface_add_listener(xdgSurface, BenchListeners.xdgSurface, data)
        xdg_toplevel_add_listener(toplevel, BenchListeners.toplevel, data)
        xdg_toplevel_set_title(toplevel, "seawall-benchclient \(index)")
        xdg_toplevel_set_app_id(toplevel, "seawall-benchclient")
        if options.fullscreen { xdg_toplevel_set_fullscreen(toplevel, nil) }
        wl_surface_commit(surface)
    }

    /// A gradient per variant; translucent (premultiplied, alpha 0x80) for ARGB.
    static func picture(width w: Int, height h: Int, argb: Bool, window: Int, variant: Int) -> [UInt32] {
        var pixels = [UInt32](repeating: 0, count: w * h)
        let alpha: UInt32 = argb ? 0x80 : 0xff
        let b = UInt32((variant * 90 + window * 37) & 0xff) * alpha / 255
        for y in 0..<h {
            let g = UInt32((y * 255) / max(1, h - 1)) * alpha / 255
            for x in 0..<w {
                let r = UInt32((x * 255) / max(1, w - 1)) * alpha / 255
                pixels[y * w + x] = alpha << 24 | r << 16 | g << 8 | b
            }
        }
        return pixels
    }

    func configure(serial: UInt32) {
        xdg_surface_ack_configure(xdgSurface, serial)
        if !configured {
            configured = true
            draw()
        }
    }

    func released(_ buffer: OpaquePointer?) {
        guard let slot = buffers.firstIndex(where: { $0 == buffer }) else { return }
        busy[slot] = false
        if waitingForBuffer {
            waitingForBuffer = false
            draw()
        }
    }

    func frameDone() {
        if bench.measuring { shown += 1 }
        draw()
    }

    func draw() {
        var slot = next
        var tries = 0
        while busy[slot] && tries < 3 { slot = (slot + 1) % 3; tries += 1 }
        if busy[slot] { waitingForBuffer = true; return }
        next = (slot + 1) % 3
        var damage = Rect(x: 0, y: 0, w: width, h: height)
        if bench.options.box {
            // The box moves 8 pixels a frame, left to right and back; its colour changes every frame.
            let span = max(1, width - boxSize.w)
            let step = (frameIndex * 8) % (2 * span)
            let x = step < span ? step : 2 * span - step
            let y = (height - boxSize.h) / 2
            let box = Rect(x: x, y: y, w: boxSize.w, h: boxSize.h)
            let colours: [UInt32] = bench.options.argb ? [0x80800000, 0x80008000, 0x80000080] : [0xffff0000, 0xff00ff00, 0xff0000ff]
            let colour = colours[frameIndex % 3]
            let (w, background) = (width, self.background)
            memory.withMutableBytes { bytes in
                let base = (bytes.baseAddress! + slot * slotSize).assumingMemoryBound(to: UInt32.self)
                if let old = boxIn[slot] {
                    background.withUnsafeBufferPointer { source in
                        for row in old.y..<(old.y + old.h) {
                            (base + row * w + old.x).update(from: source.baseAddress! + row * w + old.x, count: old.w)
                        }
                    }
                }
                for row in box.y..<(box.y + box.h) { (base + row * w + box.x).update(repeating: colour, count: box.w) }
            }
            boxIn[slot] = box
            if let last = lastBox {
                let x0 = min(last.x, box.x), x1 = max(last.x + last.w, box.x + box.w)
                damage = Rect(x: x0, y: box.y, w: x1 - x0, h: box.h)
            }
            lastBox = box
        }
        frameIndex += 1
        damagedBytesPerFrame = damage.w * damage.h * 4
        wl_surface_attach(surface, buffers[slot], 0, 0)
        wl_surface_damage_buffer(surface, Int32(damage.x), Int32(damage.y), Int32(damage.w), Int32(damage.h))
        if let callback = wl_surface_frame(surface) {
            wl_callback_add_listener(callback, BenchListeners.frame, Unmanaged.passUnretained(self).toOpaque())
        }
        bench.requestFeedback(surface: surface)
        busy[slot] = true
        wl_surface_commit(surface)
    }
}

enum BenchListeners {
    nonisolated(unsafe) static let presentation = listenerTable(wp_presentation_listener(
        clock_id: { data, _, clock in
            guard let data else { return }
            let bench = Unmanaged<Bench>.fromOpaque(data).takeUnretainedValue()
            bench.clockAnnounced = clock
            bench.presentationClock = clockid_t(clock)
        }))

    nonisolated(unsafe) static let feedback = listenerTable(wp_presentation_feedback_listener(
        sync_output: { _, _, _ in },
        presented: { data, feedback, secHi, secLo, nsec, _, _, _, _ in
            if let feedback { wp_presentation_feedback_destroy(feedback) }
            let time = (UInt64(secHi) << 32 | UInt64(secLo)) * 1_000_000_000 + UInt64(nsec)
            theBench?.feedbackPresented(token: UInt(bitPattern: data), at: time)
        },
        discarded: { data, feedback in
            if let feedback { wp_presentation_feedback_destroy(feedback) }
            theBench?.feedbackDiscarded(token: UInt(bitPattern: data))
        }))

    nonisolated(unsafe) static let xdgSurface = listenerTable(xdg_surface_listener(
        configure: { data, _, serial in
            guard let data else { return }
            Unmanaged<BenchWindow>.fromOpaque(data).takeUnretainedValue().configure(serial: serial)
        }))

    nonisolated(unsafe) static let toplevel = listenerTable(xdg_toplevel_listener(
        configure: { _, _, _, _, _ in },
        close: { _, _ in theBench?.failed = "the compositor closed a window" },
        configure_bounds: { _, _, _, _ in },
        wm_capabilities: { _, _, _ in }))

    nonisolated(unsafe) static let frame = listenerTable(wl_callback_listener(
        done: { data, callback, _ in
            if let callback { wl_callback_destroy(callback) }
            guard let data else { return }
            Unmanaged<BenchWindow>.fromOpaque(data).takeUnretainedValue().frameDone()
        }))

    nonisolated(unsafe) static let buffer = listenerTable(wl_buffer_listener(
        release: { data, buffer in
            guard let data else { return }
            Unmanaged<BenchWindow>.fromOpaque(data).takeUnretainedValue().released(buffer)
        }))
}

nonisolated(unsafe) var theBench: Bench?

// MARK: Command line

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "memcpy" {
    guard arguments.count == 2, let bytes = Int(arguments[1]), bytes > 0 else { fail("usage: seawall-benchclient memcpy BYTES") }
    measureMemcpy(bytes: bytes)
    exit(0)
}
var options = Options()
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    if flag == "--fullscreen" { options.fullscreen = true; continue }
    if flag == "--help" || flag == "-h" {
        print("usage: seawall-benchclient [--size WxH] [--format xrgb|argb] [--damage full|box] [--windows N] [--fullscreen] [--warmup S] [--seconds S] [--socket NAME] | memcpy BYTES")
        exit(0)
    }
    guard !arguments.isEmpty else { fail("\(flag) needs a value") }
    let value = arguments.removeFirst()
    switch flag {
    case "--size": guard let size = parseSize(value) else { fail("bad --size \(value)") }; (options.width, options.height) = size
    case "--format":
        guard value == "xrgb" || value == "argb" else { fail("--format is xrgb or argb") }
        options.argb = value == "argb"
    case "--damage":
        guard value == "full" || value == "box" else { fail("--damage is full or box") }
        options.box = value == "box"
    case "--windows": guard let n = Int(value), n >= 1, n <= 1000 else { fail("bad --windows") }; options.windows = n
    case "--warmup": guard let s = Double(value), s >= 0 else { fail("bad --warmup") }; options.warmup = s
    case "--seconds": guard let s = Double(value), s > 0 else { fail("bad --seconds") }; options.seconds = s
    case "--socket": options.socket = value
    default: fail("unknown option \(flag)")
    }
}
let bench = Bench(options: options)
theBench = bench
bench.run()
