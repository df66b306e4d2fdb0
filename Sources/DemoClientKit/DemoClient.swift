import CClientShims
import CProtocolsClient
import CWaylandClient
import Glibc
import SealedMemory

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
    /// Ask to be maximized / fullscreen before the first commit (the demo keeps drawing at its own size).
    public var maximized = false
    public var fullscreen = false
    /// With printInput: start an interactive move (xdg_toplevel.move) on every button press.
    public var moveOnPress = false

    public init(pattern: Pattern) { self.pattern = pattern }
}

/// Why a demo client stopped early, with the exit status seawall-demo uses.
public struct DemoFailure: Error, CustomStringConvertible {
    public let description: String
    /// 1: runtime failure or other protocol error; 3: the compositor refused the client's pool.
    public let exitStatus: Int32
}

/// A window drawing a pattern frame after frame, paced by wl_surface.frame callbacks, double-buffered in
/// one sealed pool. Single-threaded: everything happens inside `wl_display_dispatch`.
public final class DemoClient {
    let options: DemoOptions
    let display: OpaquePointer
    let globals: Globals
    private var surface: OpaquePointer?
    private var xdgSurface: OpaquePointer?
    private var toplevel: OpaquePointer?
    private var pool: OpaquePointer?
    private var memory: ClientPoolMemory?
    private var slots: [BufferSlot] = []
    private var width: Int
    private var height: Int
    private var configured = false
    private var nextFrame = 0
    private(set) var framesShown = 0
    private var waitingForSlot = false
    private var finished = false
    private var holding = false
    private var failure: DemoFailure?

    /// `wl_display_connect`, then the globals a window needs.
    public init(options: DemoOptions) throws(DemoFailure) {
        self.options = options
        width = options.width
        height = options.height
        sw_client_capture_log(1)
        guard let display = wl_display_connect(options.socket) else {
            let which = options.socket ?? (getenv("WAYLAND_DISPLAY").map { String(cString: $0) } ?? "wayland-0")
            throw DemoFailure(description: "cannot connect to the compositor at \(which): \(String(cString: strerror(errno))) — set WAYLAND_DISPLAY (and XDG_RUNTIME_DIR) to a running compositor's socket, or pass --socket NAME", exitStatus: 1)
        }
        self.display = display
        globals = Globals()
        if options.printInput { globals.input = InputPrinter() }
        do {
            try globals.discover(on: display)
        } catch {
            wl_display_disconnect(display)
            throw error
        }
    }

    deinit {
        for slot in slots { slot.destroy() }
        if let pool { wl_shm_pool_destroy(pool) }
        if let toplevel { xdg_toplevel_destroy(toplevel) }
        if let xdgSurface { xdg_surface_destroy(xdgSurface) }
        if let surface { wl_surface_destroy(surface) }
        globals.destroy()
        wl_display_flush(display)
        wl_display_disconnect(display)
    }

    /// Runs until the requested frames were shown (then returns, or holds the window until the compositor
    /// goes away), or throws what went wrong.
    public func run() throws(DemoFailure) {
        createWindow()
        while !finished {
            if wl_display_dispatch(display) < 0 {
                if holding { return }   // the compositor went away while we held our last frame
                throw failure ?? connectionFailure()
            }
            if let failure { throw failure }
        }
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
        }
        if options.maximized { xdg_toplevel_set_maximized(toplevel) }
        if options.fullscreen { xdg_toplevel_set_fullscreen(toplevel, nil) }
        // The initial commit, without a buffer: the compositor answers with the first configure.
        wl_surface_commit(surface)
    }

    // MARK: Events

    func xdgSurfaceConfigured(serial: UInt32) {
        guard let xdgSurface else { return }
        xdg_surface_ack_configure(xdgSurface, serial)
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
        finished = true
    }

    func frameShown() {
        framesShown += 1
        if options.frames > 0 && framesShown == options.frames {
            print("seawall-demo: \(framesShown) frames shown")
            fflush(nil)
            if options.hold { holding = true } else { finished = true }
            return
        }
        if let size = options.growTo, framesShown == options.growAfter {
            if options.pauseBeforeGrow { waitForGoAhead(size) }
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

    private var format: UInt32 {
        options.pattern.hasAlpha ? WL_SHM_FORMAT_ARGB8888.rawValue : WL_SHM_FORMAT_XRGB8888.rawValue
    }

    /// Two buffers of the current size starting at `offset` in the pool, creating or growing the pool.
    private func makeBuffers(offset: Int) throws(DemoFailure) {
        let stride = width * 4
        let slotSize = stride * height
        let needed = offset + 2 * slotSize
        guard needed <= Int(Int32.max) else {
            throw DemoFailure(description: "\(width)x\(height) needs a pool larger than 2 GiB", exitStatus: 1)
        }
        do {
            if let memory, let pool {
                try memory.grow(to: needed)
                wl_shm_pool_resize(pool, Int32(needed))
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
            BufferSlot(pool: pool, offset: offset + index * slotSize, width: width, height: height,
                       stride: stride, format: format, owner: self)
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
                                 color: color, into: base + slot.offset, stride: slot.stride)
        }
        nextFrame += 1
        wl_surface_attach(surface, slot.buffer, 0, 0)
        wl_surface_damage_buffer(surface, 0, 0, Int32(slot.width), Int32(slot.height))
        if let callback = wl_surface_frame(surface) {
            wl_callback_add_listener(callback, Listeners.frame, Unmanaged.passUnretained(self).toOpaque())
        }
        slot.busy = true
        wl_surface_commit(surface)
    }

    /// Says the client is about to grow and blocks until stdin gives a line or ends (`read`). The last
    /// frame at the old size stays on screen meanwhile.
    private func waitForGoAhead(_ size: (width: Int, height: Int)) {
        print("seawall-demo: paused before growing to \(size.width)x\(size.height); send a line on stdin to go on")
        fflush(nil)
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 0 || (n < 0 && errno != EINTR) || (n == 1 && byte == UInt8(ascii: "\n")) { return }
        }
    }

    /// Turns a failed dispatch into words: the compositor's own message for a protocol error.
    private func connectionFailure() -> DemoFailure {
        let error = wl_display_get_error(display)
        guard error == EPROTO else {
            return DemoFailure(description: "lost the connection to the compositor: \(String(cString: strerror(error)))", exitStatus: 1)
        }
        var interface: UnsafePointer<wl_interface>?
        var id: UInt32 = 0
        let code = wl_display_get_protocol_error(display, &interface, &id)
        let name = interface.map { String(cString: $0.pointee.name) } ?? "unknown interface"
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = sw_client_last_log(&buffer, buffer.count)
        var message = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        while message.last == "\n" { message.removeLast() }
        if message.isEmpty { message = "\(name)@\(id): error \(code)" }
        if name == "wl_shm" || name == "wl_shm_pool" {
            return DemoFailure(description: "the compositor refused this client: \(message)", exitStatus: 3)
        }
        return DemoFailure(description: "protocol error: \(message)", exitStatus: 1)
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
