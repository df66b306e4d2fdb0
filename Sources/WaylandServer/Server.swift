import Compositor
import ClientMemory
import CServerShims
import CWaylandServer
import Glibc
import Logging
import Render
import Scanout
import SystemCalls

/// The compositor as a Wayland server: one display, its globals, the compositor's decisions (`Compositor`),
/// the renderer and the scanout target, tied together by the frame clock. It translates between the wire and
/// the compositor: protocol objects hand it requests, and it sends what the compositor decided
/// (ServerEvents.swift).
public final class Server {
    public let configuration: Configuration
    public var limits: Limits { configuration.limits }
    public let display: Display
    /// Every decision: the scene, windows, input focus, the selection and the frame clock.
    public let compositor: Compositor
    public var scene: Scene { compositor.scene }
    /// When to repaint and which frame answers which callbacks.
    public var frameClock: FrameClock { compositor.frameClock }
    /// The outputs, in order (OutputHead.swift): each composes its part of the scene into frames of its own.
    public let heads: [OutputHead]
    /// The first output's renderer (its image is the frame `seawall run --screenshot` and last.ppm show).
    public var renderer: Renderer { heads[0].renderer }
    /// The first output's scanout target.
    public var scanout: ScanoutTarget { heads[0].scanout }
    /// The scanout target as a display that paces frames, if it is one (asked once, here; only the first
    /// output's can be).
    private let paced: PacedScanoutTarget?
    /// The outputs whose scanout finishes frames on a thread of its own (frame files).
    private let queuedHeads: [OutputHead]
    /// A frame was due but the scanout had no room for it: the next one is composed when the scanout reports
    /// progress (`scanoutProgress`), not at the next tick.
    private var waitingForScanout = false
    /// Frames that came late because the scanout was full (the disk could not keep up), since start.
    public private(set) var framesDelayedByScanout: UInt64 = 0

    /// A sentence for the end of a run when frames came late because the scanout was full, else nil.
    public var scanoutDelaySummary: String? {
        guard framesDelayedByScanout > 0 else { return nil }
        return "\(framesDelayedByScanout) of \(frameCount) frames came late: the frame writer's queue was full (the disk is slower than the refresh rate); every frame asked for was still written"
    }
    public let log: Logger
    /// Input: the devices' client objects, and the entry points a harness or backend drives.
    public private(set) lazy var seat = Seat(server: self)
    /// Seawall's keymap in a sealed memfd, made at start-up so that its one fd is there from the beginning
    /// (nil if that failed: keyboards then get no keymap, and the log says why).
    private(set) var keymapFile: KeymapFile?
    /// The socket clients connect to (nil when not listening).
    public private(set) var socketName: String?

    /// Frames presented so far (the first frame is 1).
    public var frameCount: UInt64 { frameClock.frameCount }
    /// The last frame known to be on screen (for a paced target, the last completed flip).
    public var presentedFrames: UInt64 { frameClock.presentedFrames }
    /// Scanout failures end the run: the caller (main) sees this set and stops.
    public private(set) var scanoutError: ScanoutError?

    /// Called when a client's pool is refused (after the log line), e.g. for `seawall run` to tell the person
    /// which --shm-policy would accept it.
    public var onPoolRefused: ((PoolRefusal) -> Void)?
    /// Called after every xdg_activation_v1.activate with what became of it (for tests: a refusal is only a
    /// debug log line).
    public var onActivationRequest: ((ActivationOutcome) -> Void)?
    /// Called at the start of every repaint with the damage about to be composed, while `renderer.image` still
    /// holds the previous frame (`seawall run --screenshot` watches the output settle with it).
    public var willRepaint: ((Region) -> Void)?

    var globals: [Global] = []
    /// Connected clients and what each holds, for the limits (ServerClients.swift).
    let clients = ClientAccounts()
    /// The protocol objects behind the compositor's objects (ServerEvents.swift).
    var surfaces = Registry<WlSurface>()
    var toplevels = Registry<XdgToplevel>()
    var popups = Registry<XdgPopup>()
    /// The zwlr_foreign_toplevel managers and handles (ZwlrForeignToplevelManagerV1.swift).
    let windowList = WindowListHandles()
    var layerSurfaces = Registry<ZwlrLayerSurfaceV1>()
    /// Every bound xdg_wm_base and the pings Seawall is waiting on (ServerPing.swift).
    let shellPings = ShellPings()
    /// Every bound wl_output resource, by client (enter/leave, output_enter/leave and sync_output name the
    /// client's own). A client may bind thousands: each leaves its list in O(1) (`WlOutput.slot`).
    private var outputsByClient: [ClientID: [WlOutput]] = [:]
    private var surfaceIDs: UInt64 = 0
    /// The virtual vblank of `.interval` mode: a periodic timerfd on CLOCK_MONOTONIC (nanosecond precision,
    /// no drift), closed with the server. nil in the other refresh modes.
    private var vblankTimer: PeriodicTimer?
    /// When the vblank timer first fired: every tick is this plus a whole number of periods.
    private var vblankPhase: UInt64 = 0
    /// The vblank timer is stopped: a tick found nothing to do. The end of the next dispatch that leaves
    /// something waiting for a frame starts it again, at the next tick of the same phase (`restartFrameClock`).
    private var vblankStopped = false
    private var repaintScheduled = false
    private var stats: StatsLog?
    /// Called after every change to the scene (`observeScene`).
    var sceneObservers: [SceneObserver] = []
    /// Frames shown as direct frames (one client buffer, not composed), since start.
    public private(set) var directFrameCount: UInt64 = 0
    // Per-frame lists kept from frame to frame (emptied after each, their storage kept), so that a frame
    // allocates none of them once they have grown to the scene's size.
    private var frameItems: [SceneItem] = []
    private var frameShown = Set<ObjectIdentifier>()
    private var frameCallbacks: [any FrameCallbackSink] = []
    /// The damage of the frame being composed; its storage and the scene's swap places every frame.
    private var frameDamage = Region()
    /// `WlSurface.commit`'s list of commit effects, kept between commits for its storage.
    var commitEffects: [Surface.Committed] = []
    /// wl_callback objects whose resource is gone, for the next wl_surface.frame requests (WlCallback.swift).
    var spareFrameCallbacks: [WlCallback] = []
    /// How many spare wl_callback objects are kept: enough for every window of a busy session to ask for a frame
    /// each frame without a new object; a burst beyond that is freed.
    static let maxSpareFrameCallbacks = 256

    /// `scanout` takes the first output's frames; `otherScanouts` those of the outputs after it, in order
    /// (an output without one discards its frames).
    public init(configuration: Configuration, scanout: ScanoutTarget, otherScanouts: [ScanoutTarget] = [],
                logger: Logger) throws(DisplayError) {
        self.configuration = configuration
        self.log = logger
        paced = scanout as? PacedScanoutTarget
        let clock = FrameClock(mode: configuration.refresh,
                               pacing: paced.map { .display(refreshMillihertz: $0.refreshMillihertz) } ?? .immediate,
                               timeSource: configuration.clock)
        let areas: [OutputArea]
        switch configuration.layout() {
        case .success(let laidOut): areas = laidOut
        case .failure(let error): preconditionFailure("Configuration.outputs: \(error)")
        }
        heads = areas.map { area in
            let target = area.index == 0 ? scanout : area.index - 1 < otherScanouts.count ? otherScanouts[area.index - 1] : NullScanout()
            return OutputHead(area: area, background: configuration.background, scanout: target)
        }
        queuedHeads = heads.filter { $0.queued != nil }
        compositor = Compositor(outputs: areas, frameClock: clock)
        display = try Display()
        if configuration.listen {
            socketName = try display.listen(socket: configuration.socket)
        }
        do {
            keymapFile = try KeymapFile()
        } catch {
            log.error("cannot make the keymap file: \(error)")
        }
        compositor.events = self
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
    }

    /// Set while the server is being torn down: resources dying then must not schedule new work.
    private(set) var shuttingDown = false

    // MARK: The frame clock

    private func startFrameClock() {
        switch configuration.refresh {
        case .interval:
            let timer: PeriodicTimer
            vblankPhase = Clock.nanoseconds() + periodNanoseconds
            do {
                timer = try PeriodicTimer(firstNanoseconds: vblankPhase, periodNanoseconds: periodNanoseconds)
            } catch {
                preconditionFailure("timerfd_create failed at start-up (out of file descriptors)")
            }
            display.onReadable(timer.rawValue) { [unowned self] in self.tick() }
            vblankTimer = consume timer
            display.afterDispatch = { [unowned self] in
                if self.vblankStopped && self.needsRepaint { self.restartFrameClock() }
            }
        case .display:
            guard let paced else {
                preconditionFailure("RefreshMode.display needs a PacedScanoutTarget, not \(scanout.name)")
            }
            display.onReadable(paced.eventFileDescriptor) { [unowned self] in self.scanoutEvents(paced) }
        case .onCommit, .manual:
            break
        }
        for head in queuedHeads {
            guard let queued = head.queued, queued.completionFileDescriptor >= 0 else { continue }
            display.onReadable(queued.completionFileDescriptor) { [unowned self] in self.scanoutProgress(queued) }
        }
        stats = StatsLog(server: self, intervalSeconds: configuration.statsInterval)
    }

    /// Period of the virtual vblank in nanoseconds.
    private var periodNanoseconds: UInt64 { frameClock.periodNanoseconds }

    /// The display reported progress: fire the frame callbacks of every completed frame with its
    /// presentation time, then start the next frame if something waits.
    private func scanoutEvents(_ paced: PacedScanoutTarget) {
        do {
            try paced.dispatchEvents { frame, nanoseconds in
                frameClock.displayCompleted(frame: frame, at: frameClock.time(ofFrame: frame, measured: nanoseconds))
            }
        } catch {
            scanoutFailed(error)
            return
        }
        if needsRepaint && !paced.isBusy { repaint() }
        display.flush()
    }

    /// One virtual vblank (or several, if the loop was busy: they count as one). A tick with nothing to do
    /// stops the timer, so that an idle Seawall does not wake up at the refresh rate; a video in real time
    /// keeps it going (it repeats its last frame at each tick).
    private func tick() {
        guard let expirations = vblankTimer?.expirations(), expirations > 0 else { return }
        if needsRepaint {
            repaintUnlessScanoutFull()
        } else if heads[0].queued?.needsIdleTicks != true {
            vblankTimer?.disarm()
            vblankStopped = true
        } else if let queued = heads[0].queued, !waitingForScanout, frameClock.frameCount > 0 {
            // Nothing to compose: a video (the first output's) shows its last frame again, for each tick that passed.
            do {
                for _ in 0..<min(expirations, 1000) { try queued.refreshWithoutFrame() }
            } catch {
                scanoutFailed(error)
            }
        }
    }

    /// Starts the stopped vblank timer again at its next tick: the phase of the first one plus whole periods,
    /// so that frames keep the times they would have had with the timer running.
    private func restartFrameClock() {
        let now = Clock.nanoseconds(), period = max(periodNanoseconds, 1)
        let next = now < vblankPhase ? vblankPhase : vblankPhase + ((now - vblankPhase) / period + 1) * period
        vblankTimer?.arm(firstNanoseconds: next, periodNanoseconds: period)
        vblankStopped = false
    }

    /// Repaints now, or, when the scanout cannot take the frame without waiting (the frame writer's queue
    /// is full), counts a late frame and repaints as soon as the scanout reports progress.
    private func repaintUnlessScanoutFull() {
        if !scanoutsHaveRoom {
            if !waitingForScanout { framesDelayedByScanout += 1 }
            waitingForScanout = true
            return
        }
        repaint()
    }

    /// The queued scanout finished frames: report its failure, or compose the frame that was waiting for room.
    private func scanoutProgress(_ queued: QueuedScanoutTarget) {
        do {
            try queued.collectCompleted()
        } catch {
            scanoutFailed(error)
            return
        }
        guard waitingForScanout, scanoutsHaveRoom else { return }
        waitingForScanout = false
        if needsRepaint && !shuttingDown { repaint() }
        display.flush()
    }

    /// Whether every output's queued scanout can take the next frame without waiting.
    private var scanoutsHaveRoom: Bool {
        let next = frameClock.frameCount + 1
        for head in queuedHeads where head.queued?.hasRoom(forFrame: next) == false { return false }
        return true
    }

    /// A scanout failure ends the run: kept for the caller (main), which stops the loop, and logged.
    private func scanoutFailed(_ error: ScanoutError) {
        scanoutError = error
        log.error("scanout to \(scanout.name) failed: \(error)")
    }

    /// Whether anything waits for a frame: damage on the output or frame callbacks of committed surfaces.
    public var needsRepaint: Bool { compositor.needsRepaint }

    /// Schedules a repaint for when the loop is idle, if the frame clock repaints on change and, by then,
    /// something waits for a frame (a commit that changed nothing on the output presents nothing).
    func scheduleRepaintSoon() {
        if shuttingDown || !frameClock.repaintsWhenIdle(displayBusy: paced?.isBusy == true) { return }
        guard !repaintScheduled else { return }
        repaintScheduled = true
        display.whenIdle(idleRepaint)
    }

    /// The idle callback of `scheduleRepaintSoon`, made once (not a new closure per frame).
    private lazy var idleRepaint: () -> Void = { [unowned self] in
        self.repaintScheduled = false
        if self.paced?.isBusy == true || !self.needsRepaint { return }
        self.repaintUnlessScanoutFull()
    }

    /// One frame: compose the damage, present it, then tell every committed surface its frame was shown.
    public func repaint() {
        windowList.catchUp()
        waitingForScanout = false
        scene.takeDamage(into: &frameDamage)   // the two regions' storage swaps frame after frame
        let damage = frameDamage
        willRepaint?(damage)
        let frameCount = frameClock.beginFrame()
        stats?.frameShown()
        if !damage.isEmpty { scene.items(into: &frameItems) }
        for head in heads {
            // One output at (0, 0) draws the scene's items as they are; others take theirs, moved to their origin.
            let single = heads.count == 1 && head.area.rect.x == 0 && head.area.rect.y == 0
            let outputDamage = single ? damage : head.damage(from: damage)
            if !outputDamage.isEmpty {
                if !single { head.takeItems(from: frameItems) }
                compose(head, single ? frameItems : head.items, damage: outputDamage)
                head.items.removeAll(keepingCapacity: true)   // no buffer is kept alive by the list
            }
            present(head, damage: outputDamage, frame: frameCount)
        }
        frameItems.removeAll(keepingCapacity: true)
        scene.displayedSurfaces(into: &frameShown)
        FrameClock.collectCallbacks(of: compositor.liveSurfaces, shown: frameShown, into: &frameCallbacks)
        frameClock.presented(callbacks: frameCallbacks, at: frameClock.time(ofFrame: frameCount, measured: Clock.nanoseconds()))
        frameCallbacks.removeAll(keepingCapacity: true)
        display.flush()
    }

    /// Composes one output's frame from its items, or shows its direct frame.
    private func compose(_ head: OutputHead, _ items: [SceneItem], damage: Region) {
        if let (frame, buffer) = directFrame(items, on: head) {
            head.renderer.show(frame)
            holdDirect(buffer, on: head)
            directFrameCount += 1
        } else {
            head.renderer.render(items, damage: damage)
            holdDirect(nil, on: head)   // the image has every pixel of this frame: the last direct buffer can go
        }
    }

    /// Hands one output's frame to its scanout (every output presents every frame, damaged or not, so that
    /// frame numbers and dumps stay in step).
    private func present(_ head: OutputHead, damage: Region, frame: UInt64) {
        guard scanoutError == nil else { return }
        let renderer = head.renderer
        do {
            if let direct = renderer.direct {
                // The scanout reads the buffer during this call; the hold keeps it locked until the next frame.
                try head.scanout.present(direct: direct, image: { renderer.image }, damage: renderer.deviceDamage(damage),
                                         frame: frame)
            } else {
                try head.scanout.present(renderer.image, damage: renderer.deviceDamage(damage), frame: frame)
            }
        } catch {
            scanoutFailed(error)
        }
    }

    /// The direct frame `items` make on `head` (`Renderer.directFrame`) and its wl_shm buffer, if direct frames
    /// are on and the buffer is one whose memory stays put while locked (a mapped pool; the copy policy's
    /// per-surface copies change in place at the next commit, so they are composed).
    private func directFrame(_ items: [SceneItem], on head: OutputHead) -> (DirectFrame, ShmBuffer)? {
        guard configuration.directFrames, let frame = head.renderer.directFrame(items),
              let buffer = frame.source as? ShmBuffer, !buffer.memory.isCopied else { return nil }
        return (frame, buffer)
    }

    /// Moves `head`'s direct-frame lock to `buffer` (nil: none), releasing the previous buffer if nothing else
    /// uses it (`ShmBuffer.unlock`).
    private func holdDirect(_ buffer: ShmBuffer?, on head: OutputHead) {
        if buffer === head.directHold { return }
        buffer?.lock()
        head.directHold?.unlock()
        head.directHold = buffer
    }

    /// Runs the event loop until `shouldStop()` is true (checked after each dispatch).
    public func run(until shouldStop: () -> Bool) {
        while !shouldStop() && scanoutError == nil {
            display.dispatch(timeoutMilliseconds: -1)
        }
    }

    /// Writes each output's final frame (last.ppm / last.png for files) and returns what was written.
    public func finish() throws(ScanoutError) -> [String] {
        var written: [String] = []
        for head in heads { written += try head.scanout.finish(head.renderer.image) }
        return written
    }

    // MARK: Called by the protocol objects

    func nextSurfaceID() -> UInt64 { surfaceIDs += 1; return surfaceIDs }

    func nextSerial() -> UInt32 { compositor.nextSerial() }

    func surfaceCreated(_ surface: WlSurface) {
        surfaces[surface.state] = surface
        compositor.surfaceCreated(surface.state)
    }

    func surfaceDestroyed(_ surface: WlSurface) {
        surfaces[surface.state] = nil
        compositor.surfaceDestroyed(surface.state)
    }

    /// The wl_surface behind a surface, if it still exists.
    func wlSurface(for surface: Surface) -> OpaquePointer? { surfaces[surface]?.resource }

    func toplevelCreated(_ toplevel: XdgToplevel) {
        toplevels[toplevel.window] = toplevel
        compositor.addWindow(toplevel.window)
    }

    func toplevelDestroyed(_ toplevel: XdgToplevel) {
        toplevels[toplevel.window] = nil
        compositor.removeWindow(toplevel.window)
    }

    func outputBound(_ output: WlOutput) {
        guard let client = wl_resource_get_client(output.resource) else { return }
        output.slot = outputsByClient[ClientID(client), default: []].count
        outputsByClient[ClientID(client), default: []].append(output)
        windowList.outputBound(output, client: client)
    }

    /// The wl_output resource is gone: the last of its client's list takes its place.
    func outputReleased(_ output: WlOutput) {
        guard let client = wl_resource_get_client(output.resource), let slot = output.slot else { return }
        let id = ClientID(client)
        // Taken out of the dictionary while it changes, so that the array is not copied.
        guard var list = outputsByClient.removeValue(forKey: id) else { return }
        if slot < list.count && list[slot] === output {
            let last = list.removeLast()
            if last !== output {
                list[slot] = last
                last.slot = slot
            }
            output.slot = nil
        }
        if !list.isEmpty { outputsByClient[id] = list }
    }

    /// `client`'s bound wl_outputs, in no particular order.
    func outputs(of client: OpaquePointer) -> [WlOutput] { outputsByClient[ClientID(client)] ?? [] }
}
