import Compositor
import CServerShims
import CShims
import CWaylandServer
import Glibc
import Logging
import Render
import Scanout

/// What Seawall does with a wl_shm pool fd that lacks F_SEAL_SHRINK.
public enum ShmPolicy: String, Sendable, CaseIterable {
    /// Refuse it (wl_shm.error.invalid_fd). The default.
    case require
    /// If it is a memfd that still accepts seals, add F_SEAL_SHRINK on the client's behalf, then verify as
    /// usual (Mesa's software EGL/Vulkan clients make such memfds and never seal them).
    case autoseal
    /// Never map it: copy the damaged rows of each committed buffer out with pread into memory Seawall owns.
    /// A short read (the client truncated the file) is that client's protocol error. Sealed pools are still
    /// mapped.
    case copy
}

/// Per-client limits on what a client may hold. Exceeding one is a protocol error for that client only.
/// The defaults fit real clients with room to spare (foot maps a 512 MiB sparse pool; toolkits keep a few
/// dozen pools and surfaces).
public struct Limits: Sendable {
    /// Largest buffer width or height accepted by wl_shm_pool.create_buffer.
    public var maxBufferDimension: Int32 = 16384
    /// Live pools per client (each keeps one fd open in Seawall), counting pools whose wl_shm_pool was
    /// destroyed but whose buffers still live.
    public var maxPoolsPerClient: Int = 128
    /// Bytes of pool address space per client (mapped, not touched: pages Seawall does not read cost nothing).
    public var maxPoolBytesPerClient: Int64 = 4 << 30
    /// Live wl_surfaces per client.
    public var maxSurfacesPerClient: Int = 1024
    /// Bytes of Seawall's own copies of a client's surfaces under the copy policy (each surface showing an
    /// unsealed buffer keeps width × height × 4 bytes). Unlike pool address space this is memory Seawall
    /// fills, so it is capped well below it: 256 MiB holds a dozen 4K windows.
    public var maxCopyBytesPerClient: Int64 = 256 << 20
    public init() {}
}

/// Everything the compositor core needs to know at start.
public struct Configuration: Sendable {
    public var width: Int = 1280
    public var height: Int = 720
    public var refresh: RefreshMode = .interval(hz: 60)
    /// The socket name in $XDG_RUNTIME_DIR; nil picks the first free wayland-N. Ignored if `listen` is false.
    public var socket: String?
    /// Whether to open a listening socket at all (tests may hand in connected fds with `addClient(fd:)`).
    public var listen = true
    public var background: UInt32 = 0xFF20_2830
    public var limits = Limits()
    public var shmPolicy: ShmPolicy = .require
    /// The xdg_wm_base version advertised (1…5). 3 by default: see XdgWmBase.
    public var xdgWmBaseVersion: Int32 = 3
    /// Accept a buffer attached before the first configure was acked instead of posting
    /// xdg_surface.error.unconfigured_buffer, and send the first configure as soon as an xdg role exists.
    /// Off by default; WLCS 1.5's helpers need it (they attach before any commit).
    public var allowBufferBeforeFirstConfigure = false
    /// Seconds between stats log lines (0: none).
    public var statsInterval: Int = 5
    public init() {}
}

/// The compositor: one Wayland display, its globals, the scene, the renderer and the scanout target,
/// tied together by the frame clock.
public final class Server {
    public let configuration: Configuration
    public var limits: Limits { configuration.limits }
    public let display: Display
    public let scene: Scene
    public let renderer: Renderer
    public let scanout: ScanoutTarget
    public let log: Logger
    /// Input: pointer (and later touch) state and focus.
    public private(set) lazy var seat = Seat(server: self)
    /// Seawall's keymap in a sealed memfd, made at start-up so that its one fd is there from the beginning
    /// (nil if that failed: keyboards then get no keymap, and the log says why).
    private(set) var keymapFile: KeymapFile?
    /// The socket clients connect to (nil when not listening).
    public private(set) var socketName: String?

    /// When to repaint and which frame answers which callbacks.
    public let frameClock: FrameClock
    /// The scanout target as a display that paces frames, if it is one (asked once, here).
    private let paced: PacedScanoutTarget?
    /// Frames presented so far (the first frame is 1).
    public var frameCount: UInt64 { frameClock.frameCount }
    /// The last frame known to be on screen (for a paced target, the last completed flip).
    public var presentedFrames: UInt64 { frameClock.presentedFrames }
    public private(set) var clientCount = 0
    /// Scanout failures end the run: the caller (main) sees this set and stops.
    public private(set) var scanoutError: ScanoutError?

    private var globals: [Global] = []
    /// Per-client usage, by wl_client pointer; an entry lives from connection to disconnection (pools and
    /// surfaces that outlive it keep their account object).
    private var accounts: [OpaquePointer: ClientAccount] = [:]
    private var surfaces: [ObjectIdentifier: WlSurface] = [:]
    private(set) var toplevelObjects: [XdgToplevel] = []
    private var surfaceIDs: UInt64 = 0
    private var serial: UInt32 = 0
    /// The virtual vblank of `.interval` mode: a periodic timerfd on CLOCK_MONOTONIC (nanosecond precision,
    /// no drift), closed with the server.
    private var vblankTimer: Int32 = -1
    private var repaintScheduled = false
    private var statsTimer: Display.Timer?
    private var statsFrames: UInt64 = 0
    private var statsStart: UInt64 = 0

    public init(configuration: Configuration, scanout: ScanoutTarget, logger: Logger) throws(DisplayError) {
        self.configuration = configuration
        self.scanout = scanout
        self.log = logger
        paced = scanout as? PacedScanoutTarget
        frameClock = FrameClock(mode: configuration.refresh,
                                pacing: paced.map { .display(refreshMillihertz: $0.refreshMillihertz) } ?? .immediate)
        display = try Display()
        scene = Scene(outputWidth: Int64(configuration.width), outputHeight: Int64(configuration.height))
        renderer = Renderer(width: configuration.width, height: configuration.height, background: configuration.background)
        if configuration.listen {
            socketName = try display.listen(socket: configuration.socket)
        }
        do {
            keymapFile = try KeymapFile()
        } catch {
            log.error("cannot make the keymap file: \(error)")
        }
        createGlobals()
        trackClients()
        startFrameClock()
    }

    /// Protocol objects refer to the server `unowned(unsafe)`: the server outlives every one of them, because
    /// it disconnects all clients here, while its own state is still intact, and each resource's destroy
    /// callback (which may call back into the server) runs during that call.
    deinit {
        shuttingDown = true
        display.destroyClients()
        if vblankTimer >= 0 { close(vblankTimer) }
    }

    /// Set while the server is being torn down: resources dying then must not schedule new work.
    private var shuttingDown = false

    // MARK: Globals

    private func createGlobals() {
        func global(_ interface: Interface, _ version: Int32, _ bind: @escaping (Server, OpaquePointer, UInt32, UInt32) -> Void) {
            guard let g = Global(display: display.pointer, interface: interface, version: version, onBind: { [unowned self] client, version, id in
                bind(self, client, version, id)
            }) else { preconditionFailure("wl_global_create failed at start-up (out of memory)") }
            globals.append(g)
        }
        global(Interfaces.wlCompositor, WlCompositor.version) { WlCompositor.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlShm, 1) { WlShm.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlOutput, WlOutput.version) { WlOutput.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlSeat, WlSeat.version) { WlSeat.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.xdgWmBase, min(XdgWmBase.highestVersion, max(1, configuration.xdgWmBaseVersion))) { XdgWmBase.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlSubcompositor, WlSubcompositor.version) { WlSubcompositor.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlDataDeviceManager, WlDataDeviceManager.version) { WlDataDeviceManager.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.xdgOutputManager, XdgOutputManager.version) { XdgOutputManager.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.screencopyManager, ScreencopyManager.version) { ScreencopyManager.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wpPresentation, 1) { WpPresentation.bind(server: $0, client: $1, version: $2, id: $3) }
    }

    private func trackClients() {
        let counter: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { client, data in
            guard let client, let data else { return }
            let server = Unmanaged<Server>.fromOpaque(data).takeUnretainedValue()
            server.clientCount += 1
            server.accounts[client] = ClientAccount()
            server.log.info("client connected: \(server.describe(client: client))")
            let entry = ClientEntry(server: server, client: client)
            sw_client_add_destroy_callback(client, { data in
                guard let data else { return }
                let entry = Unmanaged<ClientEntry>.fromOpaque(data).takeRetainedValue()
                entry.server.clientCount -= 1
                entry.server.accounts[entry.client] = nil
            }, Unmanaged.passRetained(entry).toOpaque())
        }
        // The display (and with it this listener) dies in `deinit` before the server's memory does.
        sw_display_add_client_created_callback(display.pointer, counter, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Serves a client on a connected socket (tests, conformance harnesses). Seawall owns `fd`.
    @discardableResult
    public func addClient(fd: Int32) -> Bool { display.addClient(fd: fd) != nil }

    // MARK: The frame clock

    private func startFrameClock() {
        switch configuration.refresh {
        case .interval:
            vblankTimer = sw_timerfd_periodic(Clock.nanoseconds() + periodNanoseconds, periodNanoseconds)
            guard vblankTimer >= 0 else {
                preconditionFailure("timerfd_create failed at start-up (out of file descriptors)")
            }
            display.onReadable(vblankTimer) { [unowned self] in self.tick() }
        case .display:
            guard let paced else {
                preconditionFailure("RefreshMode.display needs a PacedScanoutTarget, not \(scanout.name)")
            }
            display.onReadable(paced.eventFileDescriptor) { [unowned self] in self.scanoutEvents(paced) }
        case .onCommit, .manual:
            break
        }
        statsStart = Clock.nanoseconds()
        let intervalMs = Int32(clamping: configuration.statsInterval * 1000)
        if intervalMs > 0 {
            let timer = display.addTimer { [unowned self] in
                self.logStats()
                self.statsTimer?.arm(milliseconds: intervalMs)
            }
            statsTimer = timer
            timer.arm(milliseconds: intervalMs)
        }
    }

    /// Period of the virtual vblank in nanoseconds.
    private var periodNanoseconds: UInt64 { frameClock.periodNanoseconds }

    /// The display reported progress: fire the frame callbacks of every completed frame with its
    /// presentation time, then start the next frame if something waits.
    private func scanoutEvents(_ paced: PacedScanoutTarget) {
        do {
            try paced.dispatchEvents { frame, nanoseconds in frameClock.displayCompleted(frame: frame, at: nanoseconds) }
        } catch {
            scanoutError = error
            log.error("scanout to \(scanout.name) failed: \(error)")
            return
        }
        if needsRepaint && !paced.isBusy { repaint() }
        display.flush()
    }

    /// One virtual vblank (or several, if the loop was busy: they count as one).
    private func tick() {
        guard sw_timerfd_expirations(vblankTimer) > 0 else { return }
        if needsRepaint { repaint() }
    }

    /// Whether anything waits for a frame: damage on the output or frame callbacks of committed surfaces.
    public var needsRepaint: Bool {
        !scene.damage.isEmpty || surfaces.values.contains { !$0.state.frameCallbacks.isEmpty }
    }

    private func scheduleRepaintSoon() {
        if shuttingDown || !frameClock.repaintsWhenIdle(displayBusy: paced?.isBusy == true) { return }
        guard !repaintScheduled else { return }
        repaintScheduled = true
        display.whenIdle { [unowned self] in
            self.repaintScheduled = false
            if self.paced?.isBusy == true { return }
            self.repaint()
        }
    }

    /// One frame: compose the damage, present it, then tell every committed surface its frame was shown.
    public func repaint() {
        let damage = scene.takeDamage()
        let frameCount = frameClock.beginFrame()
        statsFrames += 1
        if !damage.isEmpty {
            renderer.render(scene.items(), damage: damage)
        }
        if scanoutError == nil {
            do {
                try scanout.present(renderer.image, damage: damage, frame: frameCount)
            } catch {
                scanoutError = error
                log.error("scanout to \(scanout.name) failed: \(error)")
            }
        }
        let callbacks = FrameClock.callbacks(of: surfaces.values.lazy.map(\.state), shown: scene.displayedSurfaces())
        frameClock.presented(callbacks: callbacks, at: Clock.nanoseconds())
        display.flush()
    }

    private func logStats() {
        let now = Clock.nanoseconds()
        let seconds = Double(now - statsStart) / 1e9
        let fps = seconds > 0 ? Double(statsFrames) / seconds : 0
        let tenths = Int((fps * 10).rounded())
        log.info("stats: frame \(frameCount), \(tenths / 10).\(tenths % 10) fps, \(clientCount) client(s), \(scene.mappedViews.count) window(s)")
        statsFrames = 0
        statsStart = now
    }

    /// Runs the event loop until `shouldStop()` is true (checked after each dispatch).
    public func run(until shouldStop: () -> Bool) {
        while !shouldStop() && scanoutError == nil {
            display.dispatch(timeoutMilliseconds: -1)
        }
    }

    // MARK: Called by the protocol objects

    /// What `client` holds, for the limits.
    func account(for client: OpaquePointer) -> ClientAccount {
        if let account = accounts[client] { return account }
        let account = ClientAccount()
        accounts[client] = account
        return account
    }

    func nextSurfaceID() -> UInt64 { surfaceIDs += 1; return surfaceIDs }

    func nextSerial() -> UInt32 { serial &+= 1; return serial }

    func surfaceCreated(_ surface: WlSurface) { surfaces[ObjectIdentifier(surface.state)] = surface }

    /// The wl_surface behind a surface, if it still exists.
    func wlSurface(for surface: Surface) -> OpaquePointer? { surfaces[ObjectIdentifier(surface)]?.resource }

    /// A commit took effect on these surfaces (a surface and the synchronized subsurfaces it carried).
    func treeCommitted(_ effects: [(surface: Surface, effect: Surface.CommitEffect)]) {
        for (surface, effect) in effects {
            scene.apply(effect, to: surface)
            updateOutputPresence(surface)
        }
        if !effects.isEmpty { sceneChanged() }
    }

    /// Something on the output changed: the seat re-picks its focus at once (surfaces going away can still
    /// be named in a leave) and a repaint is scheduled.
    private func sceneChanged() {
        seat.sceneChanged()
        scheduleRepaintSoon()
    }

    /// A window's surface role went away (toplevel or xdg_surface destroyed): it leaves the output.
    func windowUnmapped(_ surface: Surface) {
        scene.removeView(for: surface)
        sceneChanged()
    }

    /// A press or touch on `surface`: its window becomes the active one and comes to the top.
    func focusWindow(of surface: Surface) {
        let root = surface.root
        guard let toplevel = toplevelObjects.first(where: { $0.surface?.state === root }) else { return }
        if activeToplevel !== toplevel { activate(toplevel) }
        if scene.mappedViews.last?.surface !== root { raise(root) }
    }

    /// wl_surface.enter / leave: a surface is on the (one) output while it is drawn — it has a buffer and
    /// its tree's window is mapped.
    func updateOutputPresence(_ surface: Surface) {
        guard let wl = surfaces[ObjectIdentifier(surface)] else { return }
        let drawn = surface.hasBuffer && (scene.view(for: surface.root)?.mapped ?? false)
        guard drawn != wl.onOutput else { return }
        wl.onOutput = drawn
        for output in outputs where wl_resource_get_client(output.resource) == wl.client {
            if drawn { wl_surface_send_enter(wl.resource, output.resource) } else { wl_surface_send_leave(wl.resource, output.resource) }
        }
    }

    /// A subsurface left the tree rooted at `root`.
    func subsurfaceRemoved(from root: Surface) {
        scene.treeChanged(root)
        sceneChanged()
    }

    func surfaceDestroyed(_ surface: WlSurface) {
        scene.removeView(for: surface.state)
        surface.state.tearDown()
        surfaces[ObjectIdentifier(surface.state)] = nil
        seat.surfaceDestroyed(surface.state, client: surface.client)
        sceneChanged()
    }

    /// Every bound wl_output resource (wp_presentation_feedback.sync_output names the client's).
    private(set) var outputs: [WlOutput] = []
    func outputBound(_ output: WlOutput) { outputs.append(output) }
    func outputReleased(_ output: WlOutput) { outputs.removeAll { $0 === output } }

    /// The toplevel shown as active (xdg_toplevel state activated): the one last clicked or touched, or
    /// else mapped.
    var activeToplevel: XdgToplevel?

    /// Makes `toplevel` the active window: the previous one is told it is no longer activated.
    func activate(_ toplevel: XdgToplevel) {
        if let previous = activeToplevel, previous !== toplevel {
            seat.dismissPopups()   // a grabbing popup belongs to the window that was active
            previous.activated = false
            previous.sendConfigure()
        }
        activeToplevel = toplevel
        toplevel.activated = true
        toplevel.sendConfigure()
        seat.updateKeyboardFocus()
    }

    /// The active window went away: the topmost mapped window that is left becomes active.
    private func activateNext() {
        activeToplevel = nil
        let next = scene.mappedViews.reversed().lazy.compactMap { view in
            self.toplevelObjects.first { $0.surface?.state === view.surface }
        }.first
        if let next { activate(next) } else { seat.updateKeyboardFocus() }
    }

    func toplevelCreated(_ toplevel: XdgToplevel) { toplevelObjects.append(toplevel) }
    func toplevelDestroyed(_ toplevel: XdgToplevel) {
        toplevelObjects.removeAll { $0 === toplevel }
        seat.toplevelDestroyed(toplevel)
        if activeToplevel === toplevel {
            seat.dismissPopups()   // grabbing popups belong to the active window
            activateNext()
        }
    }

    /// `wl_client_post_implementation_error`: for requests Seawall cannot honour although they are valid.
    func postImplementationError(client: OpaquePointer, _ message: String) {
        log.notice("implementation error for \(describe(client: client)): \(message)")
        sw_client_post_implementation_error(client, message)
    }

    /// "pid 1234 (weston-simple-s)": who a client is, for log lines.
    public func describe(client: OpaquePointer) -> String {
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        wl_client_get_credentials(client, &pid, &uid, &gid)
        guard pid > 0 else { return "client" }
        var name = ""
        if let file = fopen("/proc/\(pid)/comm", "r") {
            var buffer = [CChar](repeating: 0, count: 64)
            if fgets(&buffer, 64, file) != nil { name = String(cString: buffer).trimmingCharacters(in: "\n") }
            fclose(file)
        }
        return name.isEmpty ? "pid \(pid)" : "pid \(pid) (\(name))"
    }

    // MARK: Window management API (tests now, conformance later)

    /// A mapped-or-not xdg_toplevel as the window manager sees it.
    public struct Window {
        public let title: String?
        public let appID: String?
        public let surface: Surface
        public let mapped: Bool
        public let x: Int64
        public let y: Int64
        /// xdg_toplevel's activated state: the window last clicked, touched or mapped.
        public let activated: Bool
    }

    public var windows: [Window] {
        toplevelObjects.compactMap { toplevel in
            guard let surface = toplevel.surface else { return nil }
            let view = scene.view(for: surface.state)
            return Window(title: toplevel.title, appID: toplevel.appID, surface: surface.state,
                          mapped: view?.mapped ?? false, x: view?.x ?? 0, y: view?.y ?? 0,
                          activated: toplevel.activated)
        }
    }

    /// Where a surface's top-left corner is on the output: its tree's window position plus its offset in
    /// the tree ((0, 0) for a surface whose tree is not a window).
    public func outputPosition(of surface: Surface) -> (x: Int64, y: Int64) {
        let inTree = surface.offsetInTree
        guard let view = scene.view(for: surface.root) else { return inTree }
        return (view.x + inTree.x, view.y + inTree.y)
    }

    /// The surface a client knows by object id `id` (`wl_client_get_object`), if it is a wl_surface Seawall made.
    public func surface(client: OpaquePointer, id: UInt32) -> Surface? {
        guard let resource = wl_client_get_object(client, id) else { return nil }
        return WlSurface.from(resource)?.state
    }

    /// Serves a client on a connected socket and returns its wl_client (conformance harnesses keep it).
    public func createClient(fd: Int32) -> OpaquePointer? { display.addClient(fd: fd) }

    /// Places a window so that its window geometry (xdg_surface.set_window_geometry; the whole surface if
    /// unset) starts at output coordinates (x, y).
    public func placeWindow(_ surface: Surface, x: Int64, y: Int64) {
        let root = surface.root
        let origin = (surfaces[ObjectIdentifier(root)]?.roleHandler as? XdgSurface)?.geometryOrigin ?? (x: 0, y: 0)
        place(root, x: x - origin.x, y: y - origin.y)
    }

    /// Places a surface at output coordinates (x, y); it is damaged at its old and new place.
    public func place(_ surface: Surface, x: Int64, y: Int64) {
        scene.place(surface, x: x, y: y)
        sceneChanged()
    }

    /// Moves a surface to the top of the stack.
    public func raise(_ surface: Surface) {
        scene.raise(surface)
        sceneChanged()
    }

    /// Writes the final frame (last.ppm / last.png for files) and returns what was written.
    public func finish() throws(ScanoutError) -> [String] {
        try scanout.finish(renderer.image)
    }
}

/// A connected client, as the destroy callback needs to find it.
private final class ClientEntry {
    unowned(unsafe) let server: Server   // see Server.deinit
    let client: OpaquePointer
    init(server: Server, client: OpaquePointer) { self.server = server; self.client = client }
}

/// CLOCK_MONOTONIC, the clock frame callbacks and presentation times are on.
enum Clock {
    /// Event timestamps (wl_pointer.motion and friends): milliseconds, wrapping.
    static func milliseconds() -> UInt32 { UInt32(truncatingIfNeeded: nanoseconds() / 1_000_000) }

    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let last = s.last, set.contains(last) { s.removeLast() }
        return s
    }
}
