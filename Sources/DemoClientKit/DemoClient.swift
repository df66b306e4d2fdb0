import CClientShims
import CProtocolsClient
import CWaylandClient
import Glibc
import ClientMemory

/// What a demo client is asked to do (seawall-demo's command line).
public struct DemoOptions: Sendable {
    public var pattern: Pattern
    public var width: Int = 320
    public var height: Int = 240
    /// Exit (or hold, with `hold`) after this many frames were shown; 0 runs until killed.
    public var frames: Int = 0
    public var hold = false
    /// Grow to this size after `growAfter` frames were shown.
    public var growTo: (width: Int, height: Int)?
    public var growAfter: Int = 0
    /// Before growing, print a line and wait for a line on stdin (or its end): a harness can capture the
    /// screen at the old size first.
    public var pauseBeforeGrow = false
    public var memfd: MemfdKind = .sealed
    public var color: UInt32?
    public var title: String?
    /// Socket name; nil uses WAYLAND_SOCKET / WAYLAND_DISPLAY like any client.
    public var socket: String?
    /// Bind the seat and print pointer events on stdout.
    public var printInput = false
    /// With printInput: print each wl_pointer.frame too.
    public var printFrames = false
    /// With printInput: compile each keymap with libxkbcommon and print what each pressed key types.
    public var printText = false
    /// Ask to be maximized / fullscreen before the first commit (the demo keeps drawing at its own size).
    public var maximized = false
    public var fullscreen = false
    /// With printInput: start an interactive move (xdg_toplevel.move) on every button press.
    public var moveOnPress = false
    /// With printInput: start an interactive resize (xdg_toplevel.resize with these xdg_toplevel.resize_edge
    /// bits) on every button press, and draw at every size the compositor configures.
    public var resizeOnPress: UInt32?
    /// wl_surface.set_buffer_scale: buffers are this many times the window's (logical) size, and the pattern
    /// is drawn over the whole buffer, at that finer resolution.
    public var scale: Int = 1
    /// wp_viewport.set_source, in wl_fixed (1/256) units: the crop of the buffer shown (surface-local before
    /// scaling, as the protocol has it).
    public var viewportSource: (x: Int32, y: Int32, width: Int32, height: Int32)?
    /// wp_viewport.set_destination: the logical size the (cropped) buffer is shown at.
    public var viewportDestination: (width: Int32, height: Int32)?
    /// With printInput: after the first button press, key press or touch down, stop reading the socket for
    /// this many seconds (a client busy elsewhere), printing "seawall-demo: stalling" and "seawall-demo: resumed".
    public var stallAfterInput: Double?
    /// With printInput: a persistent pointer lock or confinement on the window, and relative motion printed
    /// (DemoConstraint).
    public var constrain: DemoConstraint.Kind?

    /// Draw at the scale wp_fractional_scale_v1 prefers: buffers of the logical size × preferred/120
    /// (rounded half up), shown at the logical size through a wp_viewport destination, buffer scale 1 —
    /// how the protocol says fractional scaling is done.
    public var fractional = false
    /// The wl_shm format of the buffers; nil: ARGB8888 for a pattern with alpha, else XRGB8888.
    public var format: ShmFormat?

    public init(pattern: Pattern) { self.pattern = pattern }
}

/// Why a demo client stopped early, with the exit status seawall-demo uses.
public struct DemoFailure: Error, CustomStringConvertible {
    public let description: String
    /// 1: runtime failure or other protocol error; 3: the compositor refused the client's pool.
    public let exitStatus: Int32
}

/// How a demo client's run ended without a failure.
public enum DemoEnding: Equatable, Sendable {
    /// `frames` frames were shown (without --hold).
    case framesShown
    /// SIGINT or SIGTERM arrived (this signal); the client disconnected cleanly.
    case signalled(Int32)
    /// The compositor hung up while the client held its last frame (--hold).
    case compositorGone
    /// The compositor sent xdg_toplevel.close.
    case closed
}

/// A window drawing a pattern frame after frame, paced by wl_surface.frame callbacks, double-buffered in
/// one sealed pool. Single-threaded: the listeners run inside `EventLoop.turn` (libwayland's dispatch, with
/// SIGINT/SIGTERM polled beside the socket).
public final class DemoClient {
    let options: DemoOptions
    let display: OpaquePointer
    let globals: ClientGlobals
    private let signals: TerminationSignals
    private var ending: DemoEnding?
    private var surface: OpaquePointer?
    private var xdgSurface: OpaquePointer?
    private var toplevel: OpaquePointer?
    /// --constrain's lock or confinement and relative pointer, once the pointer exists.
    private var constraint: DemoConstraint?
    private var pool: OpaquePointer?
    private var memory: ClientPoolMemory?
    private var slots: [BufferSlot] = []
    private var width: Int
    private var height: Int
    private var configured = false
    /// From the latest xdg_toplevel.configure, applied when its xdg_surface.configure arrives.
    private var suggested: (width: Int, height: Int, resizing: Bool)?
    private var frameRequested = false
    private var nextFrame = 0
    /// wp_fractional_scale_v1.preferred_scale (in 1/120), with `fractional`.
    var preferredScale = 120
    private(set) var framesShown = 0
    private var waitingForSlot = false
    private var holding = false
    private var failure: DemoFailure?

    /// Blocks SIGINT/SIGTERM into a signalfd (`TerminationSignals`), `wl_display_connect`, then binds the
    /// globals a window needs.
    public init(options: DemoOptions) throws(DemoFailure) {
        self.options = options
        width = options.width
        height = options.height
        do {
            signals = try TerminationSignals()
        } catch {
            throw DemoFailure(description: "cannot watch for SIGINT/SIGTERM: \(error)", exitStatus: 1)
        }
        sw_client_capture_log(1)
        guard let display = wl_display_connect(options.socket) else {
            let reason = String(cString: strerror(errno))
            throw DemoFailure(description: "cannot connect to the compositor at \(describeSocket(name: options.socket)): \(reason). WAYLAND_DISPLAY (or --socket NAME) and XDG_RUNTIME_DIR must point at a running compositor's socket", exitStatus: 1)
        }
        self.display = display
        globals = ClientGlobals()
        if options.printInput { globals.input = InputPrinter(printsFrames: options.printFrames, printText: options.printText) }
        do {
            try globals.discover(on: display)
        } catch {
            wl_display_disconnect(display)
            throw error
        }
        if options.constrain != nil && (globals.pointerConstraints == nil || globals.relativePointerManager == nil) {
            globals.destroy()
            wl_display_disconnect(display)
            throw DemoFailure(description: "--constrain needs zwp_pointer_constraints_v1 and zwp_relative_pointer_manager_v1, which the compositor does not offer", exitStatus: 1)
        }
        if options.fractional && (globals.fractionalScaleManager == nil || globals.viewporter == nil) {
            globals.destroy()
            wl_display_disconnect(display)
            throw DemoFailure(description: "--fractional needs wp_fractional_scale_manager_v1 and wp_viewporter, which the compositor does not both offer", exitStatus: 1)
        }
        if (options.viewportSource != nil || options.viewportDestination != nil) && globals.viewporter == nil {
            globals.destroy()
            wl_display_disconnect(display)
            throw DemoFailure(description: "--viewport and --destination need wp_viewporter, which the compositor does not offer", exitStatus: 1)
        }
    }

    deinit {
        for slot in slots { slot.destroy() }
        if let pool { wl_shm_pool_destroy(pool) }
        constraint?.destroy()
        if let toplevel { xdg_toplevel_destroy(toplevel) }
        if let xdgSurface { xdg_surface_destroy(xdgSurface) }
        if let surface { wl_surface_destroy(surface) }
        globals.destroy()
        wl_display_flush(display)
        wl_display_disconnect(display)
    }

    /// Runs until the requested frames were shown (then returns, or with --hold keeps the last frame up
    /// until the compositor goes away), the window is closed or SIGINT/SIGTERM arrives; or throws what went
    /// wrong (a protocol error, the compositor's refusal, a lost connection).
    @discardableResult
    public func run() throws(DemoFailure) -> DemoEnding {
        createWindow()
        while ending == nil {
            if let failure { throw failure }
            switch EventLoop.turn(display: display, signals: signals) {
            case .dispatched:
                continue
            case .signalled(let signal):
                return .signalled(signal)
            case .pollFailed(let error):
                throw DemoFailure(description: "poll failed: \(String(cString: strerror(error)))", exitStatus: 1)
            case .connectionFailed:
                if let failure { throw failure }
                // The compositor went away while we held our last frame: that is how a hold ends.
                let error = wl_display_get_error(display)
                if holding && (error == EPIPE || error == ECONNRESET) { return .compositorGone }
                throw describeConnectionFailure(display: display)
            }
        }
        if let failure { throw failure }
        return ending ?? .framesShown
    }

    private func createWindow() {
        let data = Unmanaged.passUnretained(self).toOpaque()
        guard let surface = wl_compositor_create_surface(globals.compositor),
              let xdgSurface = xdg_wm_base_get_xdg_surface(globals.wmBase, surface),
              let toplevel = xdg_surface_get_toplevel(xdgSurface) else {
            failure = DemoFailure(description: "out of memory creating the window", exitStatus: 1)
            return
        }
        self.surface = surface
        self.xdgSurface = xdgSurface
        self.toplevel = toplevel
        xdg_surface_add_listener(xdgSurface, Listeners.xdgSurface, data)
        xdg_toplevel_add_listener(toplevel, Listeners.toplevel, data)
        xdg_toplevel_set_title(toplevel, options.title ?? "seawall-demo \(options.pattern.rawValue)")
        xdg_toplevel_set_app_id(toplevel, "seawall-demo.\(options.pattern.rawValue)")
        if options.moveOnPress {
            globals.input?.onPress = { seat, serial in xdg_toplevel_move(toplevel, seat, serial) }
        } else if let edges = options.resizeOnPress {
            globals.input?.onPress = { seat, serial in xdg_toplevel_resize(toplevel, seat, serial, edges) }
        }
        if let seconds = options.stallAfterInput {
            globals.input?.onInput = { [unowned self] in
                globals.input?.onInput = nil
                stall(seconds: seconds)
            }
        }
        if let kind = options.constrain, let input = globals.input {
            let make: (OpaquePointer) -> Void = { [unowned self] pointer in
                guard constraint == nil else { return }
                constraint = DemoConstraint(kind: kind, globals: globals, surface: surface, pointer: pointer)
            }
            if let pointer = input.pointer { make(pointer) } else { input.onPointer = make }
        }
        if options.maximized { xdg_toplevel_set_maximized(toplevel) }
        if options.fullscreen { xdg_toplevel_set_fullscreen(toplevel, nil) }
        if options.scale != 1 { wl_surface_set_buffer_scale(surface, Int32(options.scale)) }
        // The compositor offers wp_viewporter when either is set: checked in init.
        if options.viewportSource != nil || options.viewportDestination != nil, let viewporter = globals.viewporter,
           let viewport = wp_viewporter_get_viewport(viewporter, surface) {
            if let source = options.viewportSource {
                wp_viewport_set_source(viewport, source.x, source.y, source.width, source.height)
            }
            if let destination = options.viewportDestination {
                wp_viewport_set_destination(viewport, destination.width, destination.height)
            }
        }
        if options.fractional, let manager = globals.fractionalScaleManager, let viewporter = globals.viewporter,
           let scale = wp_fractional_scale_manager_v1_get_fractional_scale(manager, surface),
           let viewport = wp_viewporter_get_viewport(viewporter, surface) {
            wp_fractional_scale_v1_add_listener(scale, Listeners.fractionalScale, data)
            wp_viewport_set_destination(viewport, Int32(clamping: width), Int32(clamping: height))
            // preferred_scale comes before the first configure; the roundtrip waits for it.
            wl_display_roundtrip(display)
            print("seawall-demo: preferred scale \(preferredScale)/120")
            fflush(nil)
        }
        // The initial commit, without a buffer: the compositor answers with the first configure.
        wl_surface_commit(surface)
    }

    // MARK: Events

    /// xdg_toplevel.configure: a size of 0x0 leaves the size to the client. Only --resize-on-press follows
    /// the compositor's sizes; the demo otherwise keeps the size it was asked for.
    func toplevelConfigured(width: Int32, height: Int32, resizing: Bool) {
        guard options.resizeOnPress != nil, width > 0, height > 0 else { return }
        suggested = (Int(width), Int(height), resizing)
    }

    func xdgSurfaceConfigured(serial: UInt32) {
        guard let xdgSurface else { return }
        xdg_surface_ack_configure(xdgSurface, serial)
        if configured, let size = suggested {
            suggested = nil
            print("seawall-demo: configured \(size.width)x\(size.height)\(size.resizing ? " resizing" : "")")
            fflush(nil)
            guard size.width != width || size.height != height else { return }
            do {
                try resize(to: (size.width, size.height))
            } catch {
                failure = error
                return
            }
            // Show the new size now; a frame already asked for would draw it anyway.
            if !frameRequested { drawNextFrame() }
            return
        }
        suggested = nil
        if !configured {
            configured = true
            do {
                try makeBuffers(offset: 0)
            } catch {
                failure = error
                return
            }
            drawNextFrame()
        }
    }

    func toplevelClosed() {
        ending = .closed
    }

    func frameShown() {
        frameRequested = false
        framesShown += 1
        if holding { return }
        if options.frames > 0 && framesShown == options.frames {
            print("seawall-demo: \(framesShown) frames shown")
            fflush(nil)
            if options.hold { holding = true } else { ending = .framesShown }
            return
        }
        if let size = options.growTo, framesShown == options.growAfter {
            if options.pauseBeforeGrow, let signal = waitForGoAhead(size) {
                ending = .signalled(signal)
                return
            }
            do {
                try grow(to: size)
            } catch {
                failure = error
                return
            }
        }
        drawNextFrame()
    }

    func bufferReleased(_ slot: BufferSlot) {
        slot.busy = false
        if waitingForSlot {
            waitingForSlot = false
            drawNextFrame()
        }
    }

    // MARK: Buffers and frames

    private var shmFormat: ShmFormat { options.format ?? (options.pattern.hasAlpha ? .argb8888 : .xrgb8888) }

    /// Two buffers of the current size starting at `offset` in the pool, creating or growing the pool.
    private func makeBuffers(offset: Int) throws(DemoFailure) {
        var (pixelWidth, widthOverflow) = width.multipliedReportingOverflow(by: options.scale)
        var (pixelHeight, heightOverflow) = height.multipliedReportingOverflow(by: options.scale)
        if options.fractional {
            // The logical size × preferred / 120, rounded half up (the protocol's rounding for toplevels).
            let (w, o1) = width.multipliedReportingOverflow(by: preferredScale)
            let (h, o2) = height.multipliedReportingOverflow(by: preferredScale)
            (pixelWidth, widthOverflow) = ((w &+ 60) / 120, o1 || w > Int.max - 60)
            (pixelHeight, heightOverflow) = ((h &+ 60) / 120, o2 || h > Int.max - 60)
        }
        let stride = shmFormat.stride(width: pixelWidth) ?? Int.max
        let slotSize = stride &* pixelHeight
        let needed = offset &+ 2 &* slotSize
        guard !widthOverflow, !heightOverflow, pixelWidth <= 1 << 15, pixelHeight <= 1 << 15, needed <= Int(Int32.max) else {
            throw DemoFailure(description: "\(width)x\(height) at scale \(options.scale) needs a pool larger than 2 GiB", exitStatus: 1)
        }
        do {
            if let memory, let pool {
                if needed > memory.size {
                    try memory.grow(to: needed)
                    wl_shm_pool_resize(pool, Int32(needed))
                }
            } else {
                let memory = try ClientPoolMemory(size: needed, kind: options.memfd)
                self.memory = memory
                pool = wl_shm_create_pool(globals.shm, memory.fd.rawValue, Int32(needed))
            }
        } catch {
            throw DemoFailure(description: "cannot make the pool: \(error)", exitStatus: 1)
        }
        guard let pool else { throw DemoFailure(description: "wl_shm.create_pool failed", exitStatus: 1) }
        for slot in slots { slot.destroy() }
        slots = (0..<2).compactMap { index in
            BufferSlot(pool: pool, offset: offset + index * slotSize, width: pixelWidth, height: pixelHeight,
                       stride: stride, format: shmFormat.code, owner: self)
        }
    }

    /// A window resize, the way toolkits do it: the same memfd grows (the seal forbids only shrinking),
    /// wl_shm_pool.resize follows, and new buffers are carved out past the old ones, which the compositor
    /// may still be reading.
    private func grow(to size: (width: Int, height: Int)) throws(DemoFailure) {
        let oldEnd = memory?.size ?? 0
        width = size.width
        height = size.height
        try makeBuffers(offset: oldEnd)
        print("seawall-demo: grew to \(width)x\(height)")
        fflush(nil)
    }

    /// An interactive resize, to any size: new buffers at the start of the pool when the compositor holds
    /// neither old one, else past them (growing the pool as `grow` does).
    private func resize(to size: (width: Int, height: Int)) throws(DemoFailure) {
        let offset = slots.contains { $0.busy } ? (memory?.size ?? 0) : 0
        width = size.width
        height = size.height
        try makeBuffers(offset: offset)
        print("seawall-demo: resized to \(width)x\(height)")
        fflush(nil)
    }

    private func drawNextFrame() {
        guard let surface, let memory else { return }
        guard let slot = slots.first(where: { !$0.busy }) else {
            waitingForSlot = true
            return
        }
        let frame = nextFrame
        let color = options.color ?? options.pattern.defaultColor
        memory.withMutableBytes { bytes in
            guard let base = bytes.baseAddress, slot.offset + slot.stride * slot.height <= bytes.count else { return }
            PatternRenderer.draw(options.pattern, frame: frame, width: slot.width, height: slot.height,
                                 color: color, into: base + slot.offset, stride: slot.stride, format: shmFormat)
        }
        nextFrame += 1
        wl_surface_attach(surface, slot.buffer, 0, 0)
        wl_surface_damage_buffer(surface, 0, 0, Int32(slot.width), Int32(slot.height))
        if let callback = wl_surface_frame(surface) {
            wl_callback_add_listener(callback, Listeners.frame, Unmanaged.passUnretained(self).toOpaque())
            frameRequested = true
        }
        slot.busy = true
        wl_surface_commit(surface)
    }

    /// Reads nothing from the socket for `seconds` (only SIGINT/SIGTERM end the pause early), from inside an
    /// event's listener: events after it wait in the socket or in libwayland's queue, and nothing is answered.
    private func stall(seconds: Double) {
        print("seawall-demo: stalling for \(seconds) s")
        fflush(nil)
        if let signal = signals.wait(seconds: seconds) {
            ending = .signalled(signal)
            return
        }
        print("seawall-demo: resumed")
        fflush(nil)
    }

    /// Says the client is about to grow and blocks until stdin gives a line or ends, or a signal arrives
    /// (returned). The last frame at the old size stays on screen meanwhile.
    private func waitForGoAhead(_ size: (width: Int, height: Int)) -> Int32? {
        print("seawall-demo: paused before growing to \(size.width)x\(size.height); send a line on stdin to go on")
        fflush(nil)
        return signals.waitForLineOnStdin()
    }
}

/// One wl_buffer in the pool and whether the compositor still holds it.
final class BufferSlot {
    let buffer: OpaquePointer
    let offset: Int
    let width: Int
    let height: Int
    let stride: Int
    var busy = false
    private unowned let owner: DemoClient

    init?(pool: OpaquePointer, offset: Int, width: Int, height: Int, stride: Int, format: UInt32, owner: DemoClient) {
        guard let buffer = wl_shm_pool_create_buffer(pool, Int32(offset), Int32(width), Int32(height),
                                                     Int32(stride), format) else { return nil }
        self.buffer = buffer
        self.offset = offset
        self.width = width
        self.height = height
        self.stride = stride
        self.owner = owner
        wl_buffer_add_listener(buffer, Listeners.buffer, Unmanaged.passUnretained(self).toOpaque())
    }

    func released() { owner.bufferReleased(self) }

    /// `wl_buffer_destroy`; the compositor keeps showing the contents it has until it gets a new buffer.
    func destroy() {
        wl_proxy_set_user_data(buffer, nil)
        wl_buffer_destroy(buffer)
    }
}
