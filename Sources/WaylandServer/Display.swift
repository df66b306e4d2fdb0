import CServerShims
import CWaylandServer
import Glibc
import SystemCalls

/// Why Seawall could not start serving; `description` is printed to the person who ran it.
public enum DisplayError: Error, Equatable, CustomStringConvertible {
    case createFailed
    case noRuntimeDirectory
    case runtimeDirectoryUnusable(path: String, reason: String)
    case socketInUse(name: String, path: String)
    case socketFailed(name: String, reason: String)
    case noFreeSocket

    public var description: String {
        switch self {
        case .createFailed:
            return "could not create the Wayland display (out of memory?)"
        case .noRuntimeDirectory:
            return "XDG_RUNTIME_DIR is not set: Wayland sockets live there. Set it to a private directory, e.g. export XDG_RUNTIME_DIR=/run/user/$(id -u) (or any mode-0700 directory you own)"
        case .runtimeDirectoryUnusable(let path, let reason):
            return "XDG_RUNTIME_DIR=\(path) cannot be used: \(reason)"
        case .socketInUse(let name, let path):
            return "socket \(name) is in use: another compositor is listening on \(path) (pick another --socket or stop it)"
        case .socketFailed(let name, let reason):
            return "could not listen on socket \(name): \(reason)"
        case .noFreeSocket:
            return "no free wayland-N socket name in XDG_RUNTIME_DIR (wayland-0 … wayland-32 all taken)"
        }
    }
}

/// The libwayland display and its event loop (`wl_display`, `wl_event_loop`). Owns them; destroys them in deinit.
public final class Display {
    public let pointer: OpaquePointer
    public let loop: OpaquePointer
    public private(set) var socketName: String?
    private var sources: [OpaquePointer] = []
    private var handlers: [EventHandler] = []

    /// `wl_display_create`.
    public init() throws(DisplayError) {
        guard let display = wl_display_create(), let loop = wl_display_get_event_loop(display) else {
            throw .createFailed
        }
        pointer = display
        self.loop = loop
        // libwayland's own messages (a client's broken connection, say) go to the log, not raw to stderr.
        sw_server_set_log_callback { message in
            guard let message else { return }
            protocolLog.notice("libwayland: \(String(cString: message))")
        }
    }

    /// Checks XDG_RUNTIME_DIR the way libwayland will use it, so the person gets a reason rather than -1.
    public static func runtimeDirectory() throws(DisplayError) -> String {
        guard let dir = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !dir.isEmpty else {
            throw .noRuntimeDirectory
        }
        var st = stat()
        if stat(dir, &st) != 0 {
            throw .runtimeDirectoryUnusable(path: dir, reason: String(cString: strerror(errno)))
        }
        if st.st_mode & S_IFMT != S_IFDIR { throw .runtimeDirectoryUnusable(path: dir, reason: "not a directory") }
        if access(dir, W_OK | X_OK) != 0 {
            throw .runtimeDirectoryUnusable(path: dir, reason: String(cString: strerror(errno)))
        }
        return dir
    }

    /// Listens on `name` in XDG_RUNTIME_DIR (`wl_display_add_socket`), or on the first free wayland-N when nil
    /// (`wl_display_add_socket_auto`). Returns the socket's name.
    @discardableResult
    public func listen(socket name: String?) throws(DisplayError) -> String {
        let dir = try Display.runtimeDirectory()
        if let name {
            if name.isEmpty || name.contains("/") {
                throw .socketFailed(name: name, reason: "a socket name is a plain file name like wayland-5")
            }
            if wl_display_add_socket(pointer, name) != 0 {
                let path = dir + "/" + name
                if Display.someoneListens(at: path) { throw .socketInUse(name: name, path: path) }
                throw .socketFailed(name: name, reason: "\(String(cString: strerror(errno))) (path \(path); its lock file \(path).lock may be held)")
            }
            socketName = name
            return name
        }
        guard let auto = wl_display_add_socket_auto(pointer) else { throw .noFreeSocket }
        let chosen = String(cString: auto)
        socketName = chosen
        return chosen
    }

    /// Whether a Unix socket at `path` accepts connections (someone is serving there).
    static func someoneListens(at path: String) -> Bool {
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { return false }
        let fd = OwnedFD(taking: raw)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd.rawValue, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// Serves a client on an already connected socket (`wl_client_create`); Seawall owns `fd` from here on.
    public func addClient(fd: Int32) -> OpaquePointer? { wl_client_create(pointer, fd) }

    /// One round of the event loop: wait up to `timeoutMilliseconds` (-1: forever) for events, dispatch them,
    /// then flush queued events to every client (`wl_event_loop_dispatch` + `wl_display_flush_clients`).
    public func dispatch(timeoutMilliseconds: Int32) {
        dispatching = true
        wl_event_loop_dispatch(loop, timeoutMilliseconds)
        dispatching = false
        afterDispatch?()
        wl_display_flush_clients(pointer)
    }

    /// Run at the end of every `dispatch`, once what it dispatched has taken effect (the server restarts its
    /// frame clock there when something waits for a frame).
    var afterDispatch: (() -> Void)?

    /// Inside `dispatch`: requests, timers and idle work are running.
    private var dispatching = false

    /// Disconnects every client now (`wl_display_destroy_clients`): their resources are destroyed, and with
    /// them every protocol object.
    public func destroyClients() { wl_display_destroy_clients(pointer) }

    /// The event loop's own fd (`wl_event_loop_get_fd`): readable when `dispatch` has work. Lets another
    /// loop (a test runner's, say) drive this one.
    public var eventLoopFD: Int32 { wl_event_loop_get_fd(loop) }

    /// Sends queued events to every client now — or, inside `dispatch`, as soon as it ends. Flushing a
    /// client whose socket is closed destroys it, and from inside that client's own request (a
    /// wl_data_offer.receive, an xdg_toplevel.move) libwayland would go on reading the freed client.
    public func flush() {
        guard !dispatching else { return }
        wl_display_flush_clients(pointer)
    }

    /// A callback the event loop runs: timers, signals, idle work. Kept alive by the display.
    final class EventHandler {
        let action: () -> Void
        init(_ action: @escaping () -> Void) { self.action = action }
    }

    /// A one-shot or re-armed timer (`wl_event_loop_add_timer`); arm it with `Timer.arm(milliseconds:)`.
    public final class Timer {
        let source: OpaquePointer
        init(source: OpaquePointer) { self.source = source }
        /// `wl_event_source_timer_update`: fire once after `milliseconds` (0 disarms).
        public func arm(milliseconds: Int32) { wl_event_source_timer_update(source, milliseconds) }
    }

    public func addTimer(_ action: @escaping () -> Void) -> Timer {
        let handler = EventHandler(action)
        handlers.append(handler)
        let callback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { data in
            if let data { Unmanaged<EventHandler>.fromOpaque(data).takeUnretainedValue().action() }
            return 0
        }
        guard let source = wl_event_loop_add_timer(loop, callback, Unmanaged.passUnretained(handler).toOpaque()) else {
            preconditionFailure("wl_event_loop_add_timer failed: out of file descriptors or memory at start-up")
        }
        sources.append(source)
        return Timer(source: source)
    }

    /// Runs `action` when `signal` arrives (`wl_event_loop_add_signal`, a signalfd: no handler is installed
    /// and the signal is blocked for this thread).
    public func onSignal(_ signal: Int32, _ action: @escaping () -> Void) {
        let handler = EventHandler(action)
        handlers.append(handler)
        let callback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Int32 = { _, data in
            if let data { Unmanaged<EventHandler>.fromOpaque(data).takeUnretainedValue().action() }
            return 0
        }
        if let source = wl_event_loop_add_signal(loop, signal, callback, Unmanaged.passUnretained(handler).toOpaque()) {
            sources.append(source)
        }
    }

    /// Runs `action` whenever `fd` is readable (`wl_event_loop_add_fd`, WL_EVENT_READABLE). The fd stays the
    /// caller's.
    public func onReadable(_ fd: Int32, _ action: @escaping () -> Void) {
        let handler = EventHandler(action)
        handlers.append(handler)
        let callback: @convention(c) (Int32, UInt32, UnsafeMutableRawPointer?) -> Int32 = { _, _, data in
            if let data { Unmanaged<EventHandler>.fromOpaque(data).takeUnretainedValue().action() }
            return 0
        }
        if let source = wl_event_loop_add_fd(loop, fd, UInt32(WL_EVENT_READABLE), callback,
                                             Unmanaged.passUnretained(handler).toOpaque()) {
            sources.append(source)
        }
    }

    /// Runs `action` once when the loop is next idle (`wl_event_loop_add_idle`).
    ///
    /// The server asks this for every frame (its repaint runs when the requests at hand are done), so the box
    /// that carries `action` to the C callback is taken from `idleBoxes` and goes back there once it has run:
    /// no allocation of Seawall's in steady state (libwayland still allocates the idle source itself).
    public func whenIdle(_ action: @escaping () -> Void) {
        let box = idleBoxes.popLast() ?? IdleBox(display: self)
        box.action = action
        let callback: @convention(c) (UnsafeMutableRawPointer?) -> Void = { data in
            guard let data else { return }
            // Retained while pending (below); idle sources free themselves after running.
            let box = Unmanaged<IdleBox>.fromOpaque(data).takeRetainedValue()
            let action = box.action
            box.action = nil
            box.display?.idleBoxes.append(box)
            action?()
        }
        if wl_event_loop_add_idle(loop, callback, Unmanaged.passRetained(box).toOpaque()) == nil {
            Unmanaged.passUnretained(box).release()
            box.action = nil
            idleBoxes.append(box)
        }
    }

    /// What a pending idle callback runs; reused (see `whenIdle`).
    private final class IdleBox {
        weak var display: Display?
        var action: (() -> Void)?
        init(display: Display) { self.display = display }
    }

    /// Idle boxes not in use.
    private var idleBoxes: [IdleBox] = []
    /// How many idle boxes the display keeps for reuse (tests: they are reused, not piled up).
    var spareIdleBoxes: Int { idleBoxes.count }

    deinit {
        for source in sources { wl_event_source_remove(source) }
        wl_display_destroy_clients(pointer)
        wl_display_destroy(pointer)
    }
}
