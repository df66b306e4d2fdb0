import Compositor
import Glibc
import Render
import Scanout
import WaylandServer

/// The control commands of a running Seawall: `windows`, `output`, `outputs`, `screenshot`, `wait.settled`,
/// `wait.window`, `frame` and the pointer's (PointerCommands.swift), registered in `router` for the control socket — or called in-process with
/// `perform` (`seawall run` takes its screenshot this way). The decisions are the compositor's
/// (ControlDecisions.swift: window matching, settling, frame stepping); this turns requests into them.
///
/// Deferred answers (`wait.*`, `frame`) are given from the event loop: a scene observer notes every change
/// as it happens, and one timer wakes at the next deadline.
public final class ControlService {
    public let server: Server
    public let router = ControlRouter()
    /// When the output and each window last changed.
    public let settle: SettleTracker
    private var sceneObserver: SceneObserver?
    private var waits: [Wait] = []
    private var waitTimer: LoopTimer?
    private var steps: [Step] = []
    private var stepTimer: LoopTimer?

    /// Defaults: how long `wait.settled` wants the output quiet, and how long a wait may take.
    public static let defaultQuietMilliseconds = 200
    public static let defaultTimeoutSeconds = 30.0
    /// How often unmapped windows are looked for again (a title can change without a commit).
    static let pollNanoseconds: UInt64 = 50_000_000

    public init(server: Server) {
        self.server = server
        settle = SettleTracker(scene: server.scene, now: ControlService.now())
        sceneObserver = server.observeScene { [weak self] in self?.sceneChanged() }
        waitTimer = server.display.makeTimer { [weak self] in self?.checkWaits() }
        stepTimer = server.display.makeTimer { [weak self] in self?.stepFrame() }
        registerCommands()
    }

    /// Runs one command in-process; `done` gets the reply (at once, or later from the event loop).
    public func perform(_ request: ControlRequest, _ done: @escaping (JSON) -> Void) {
        router.handle(request, reply: ControlReply(id: request.id, deliver: done))
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private func registerCommands() {
        router.register("windows") { [unowned self] _, reply in reply.succeed([("windows", .array(windowList()))]) }
        router.register("output") { [unowned self] _, reply in reply.succeed(outputInfo()) }
        router.register("outputs") { [unowned self] _, reply in reply.succeed([("outputs", .array(outputList()))]) }
        router.register("screenshot") { [unowned self] request, reply throws(ControlError) in
            reply.succeed(try screenshot(request))
        }
        router.register("wait.settled") { [unowned self] request, reply throws(ControlError) in
            try waitSettled(request, reply)
        }
        router.register("wait.window") { [unowned self] request, reply throws(ControlError) in
            try waitWindow(request, reply)
        }
        router.register("frame") { [unowned self] request, reply throws(ControlError) in
            try frame(request, reply)
        }
        registerPointerCommands()
        registerKeyCommands()
        registerTypeCommand()
        registerTouchCommands()
        registerInputWait()
    }

    // MARK: windows, output

    /// Every mapped toplevel (minimized ones too), in the order their roles were made: the windows a
    /// zwlr_foreign_toplevel_manager_v1 lists, with the same states, and the outputs each is shown on.
    func windowList() -> [JSON] {
        server.windows.filter(\.mapped).map { window in
            let rect = window.geometry ?? Rect(x: window.x, y: window.y, width: 0, height: 0)
            let outputs = server.compositor.outputs(ofWindow: window.window).map { JSON.string($0.name) }
            return .object([
                ("app_id", window.appID.map(JSON.string) ?? .null),
                ("title", window.title.map(JSON.string) ?? .null),
                ("x", .number(Double(rect.x))), ("y", .number(Double(rect.y))),
                ("width", .number(Double(rect.width))), ("height", .number(Double(rect.height))),
                ("activated", .bool(window.activated)),
                ("maximized", .bool(window.maximized)),
                ("fullscreen", .bool(window.fullscreen)),
                ("minimized", .bool(window.minimized)),
                ("outputs", .array(outputs)),
                ("pid", .number(Double(window.pid))),
            ])
        }
    }

    /// Every output, in order: its name, its place and size in the layout (logical, like window geometry),
    /// its frames' size in pixels and its scale; `focused` is the one new windows open on (the pointer's).
    func outputList() -> [JSON] {
        server.heads.map { head in
            let area = head.area
            return .object([
                ("name", .string(area.name)),
                ("x", .number(Double(area.rect.x))), ("y", .number(Double(area.rect.y))),
                ("width", .number(Double(area.rect.width))), ("height", .number(Double(area.rect.height))),
                ("device_width", .number(Double(area.deviceWidth))), ("device_height", .number(Double(area.deviceHeight))),
                ("scale", .number(Double(area.scale.numerator) / Double(OutputScale.denominator))),
                ("focused", .bool(server.scene.focusedOutput == area.index)),
            ])
        }
    }

    func outputInfo() -> [(String, JSON)] {
        let refresh: String
        switch server.frameClock.mode {
        case .interval(let hz): refresh = hz == 0 ? "on-commit" : "\(hz)"
        case .onCommit: refresh = "on-commit"
        case .manual: refresh = "manual"
        case .display: refresh = "display"
        }
        return [
            ("width", .number(Double(server.configuration.width))),
            ("height", .number(Double(server.configuration.height))),
            ("scale", .number(Double(server.configuration.outputScale.numerator) / Double(OutputScale.denominator))),
            ("refresh", .string(refresh)),
            ("refresh_mhz", .number(Double(server.frameClock.refreshMillihertz))),
            ("frames", .number(Double(server.frameCount))),
            ("presented", .number(Double(server.presentedFrames))),
            ("windows", .number(Double(server.windows.filter(\.mapped).count))),
            ("clients", .number(Double(server.clientCount))),
            ("outputs", .number(Double(server.heads.count))),
        ]
    }

    // MARK: screenshot

    /// The window `query` names, or an error saying none does.
    func window(named query: String, _ command: String) throws(ControlError) -> Window {
        guard let window = server.compositor.window(matching: query) else {
            throw ControlError("\(command): no mapped window has the app_id or title \"\(query)\"")
        }
        return window
    }

    /// The output `name` names, or an error listing the outputs' names.
    func output(named name: String, _ command: String) throws(ControlError) -> OutputArea {
        guard let area = server.compositor.output(named: name) else {
            throw ControlError("\(command): no output is named \"\(name)\" (outputs: \(server.heads.map(\.name).joined(separator: ", ")))")
        }
        return area
    }

    /// The whole layout (every output, Screenshot.swift says how), one output's frame (`output`), or one
    /// window alone (`window`); cropped to `region` in the image's pixels.
    func screenshot(_ request: ControlRequest) throws(ControlError) -> [(String, JSON)] {
        let file = try request.string("file")
        guard file.hasPrefix("/") else { throw ControlError("screenshot: \"file\" must be an absolute path, not \(file)") }
        let lower = file.lowercased()
        guard lower.hasSuffix(".png") || lower.hasSuffix(".ppm") else {
            throw ControlError("screenshot: file \(file) must end in .png or .ppm")
        }
        let region = try request.rectangle("region")
        let windowQuery = try request.optionalString("window"), outputName = try request.optionalString("output")
        var image: RGBImage
        switch (windowQuery, outputName) {
        case (let query?, nil):
            image = try Screenshot.window(try window(named: query, "screenshot"), of: server)
        case (nil, let name?):
            image = Screenshot.output(try output(named: name, "screenshot").index, of: server)
        case (nil, nil):
            image = try Screenshot.layout(of: server)
        case (_?, _?):
            throw ControlError("screenshot: give \"window\" or \"output\", not both (a window screenshot is the window alone, wherever it is)")
        }
        if let region {
            image = try Screenshot.crop(image, to: Rect(x: Int64(region.x), y: Int64(region.y),
                                                        width: Int64(region.width), height: Int64(region.height)))
        }
        try Screenshot.write(image, to: file)
        return [("file", .string(file)), ("width", .number(Double(image.width))), ("height", .number(Double(image.height))),
                ("frame", .number(Double(server.frameCount)))]
    }

    // MARK: wait.settled, wait.window

    fileprivate struct Wait {
        enum Kind {
            case settled(quiet: UInt64, window: String?)
            case window(String)
        }
        let kind: Kind
        let reply: ControlReply
        let started: UInt64
        let deadline: UInt64
    }

    private func waitSettled(_ request: ControlRequest, _ reply: ControlReply) throws(ControlError) {
        let ms = try request.integer("ms", default: ControlService.defaultQuietMilliseconds, in: 0...3_600_000)
        let window = try request.optionalString("window")
        let timeout = try request.seconds("timeout", default: ControlService.defaultTimeoutSeconds, in: 0...86_400)
        addWait(.settled(quiet: UInt64(ms) * 1_000_000, window: window), timeout: timeout, reply)
    }

    private func waitWindow(_ request: ControlRequest, _ reply: ControlReply) throws(ControlError) {
        let query = try request.string("match")
        let timeout = try request.seconds("timeout", default: ControlService.defaultTimeoutSeconds, in: 0...86_400)
        addWait(.window(query), timeout: timeout, reply)
    }

    private func addWait(_ kind: Wait.Kind, timeout: Double, _ reply: ControlReply) {
        let now = ControlService.now()
        let deadline = now.addingReportingOverflow(UInt64(timeout * 1e9)).partialValue
        waits.append(Wait(kind: kind, reply: reply, started: now, deadline: deadline))
        reply.onCancel = { [weak self] in self?.waits.removeAll { !$0.reply.isPending } }
        settle.observe(server.scene, now: now)
        checkWaits()
    }

    private func sceneChanged() {
        let now = ControlService.now()
        settle.observe(server.scene, now: now)
        if !waits.isEmpty { checkWaits(now: now) }
    }

    /// Answers every wait that is done (or timed out) and arms the timer for the next thing to look at.
    private func checkWaits(now: UInt64 = ControlService.now()) {
        settle.observe(server.scene, now: now)
        var next = UInt64.max
        var left: [Wait] = []
        for wait in waits where wait.reply.isPending {
            let waited = Double(now - wait.started) / 1e9
            switch wait.kind {
            case .settled(let quiet, let query):
                var surface: Surface?
                if let query {
                    surface = server.compositor.window(matching: query)?.surface
                    if surface == nil {
                        next = min(next, now + ControlService.pollNanoseconds)
                        if now >= wait.deadline {
                            wait.reply.fail("wait.settled: timed out after \(JSON.format(waited)) s: no mapped window has the app_id or title \"\(query)\"")
                        } else { left.append(wait) }
                        continue
                    }
                }
                switch settle.verdict(window: surface, quietNanoseconds: quiet, now: now) {
                case .settled:
                    let since = surface.flatMap { settle.lastChange(of: $0) } ?? settle.outputChangedAt
                    wait.reply.succeed([("waited", .number(seconds(waited))), ("quiet", .number(seconds(Double(now - since) / 1e9))),
                                        ("frame", .number(Double(server.frameCount)))])
                    continue
                case .quietAt(let due): next = min(next, due)
                case .windowNotMapped: next = min(next, now + ControlService.pollNanoseconds)
                }
            case .window(let query):
                if let window = server.compositor.window(matching: query) {
                    wait.reply.succeed([("waited", .number(seconds(waited))),
                                        ("app_id", window.appID.map(JSON.string) ?? .null),
                                        ("title", window.title.map(JSON.string) ?? .null)])
                    continue
                }
                next = min(next, now + ControlService.pollNanoseconds)
            }
            if now >= wait.deadline {
                wait.reply.fail("\(wait.kind.command): timed out after \(JSON.format(seconds(waited))) s")
                continue
            }
            next = min(next, wait.deadline)
            left.append(wait)
        }
        waits = left
        if waits.isEmpty {
            waitTimer?.disarm()
        } else {
            let milliseconds = (next.subtractingReportingOverflow(now).partialValue + 999_999) / 1_000_000
            waitTimer?.arm(milliseconds: Int32(clamping: max(1, milliseconds)))
        }
    }

    /// Seconds rounded to milliseconds, for replies.
    private func seconds(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    // MARK: frame

    private struct Step {
        let reply: ControlReply
        var left: Int
        var frames: [UInt64] = []
    }

    private func frame(_ request: ControlRequest, _ reply: ControlReply) throws(ControlError) {
        let count = try request.integer("count", default: 1, in: Int.min...Int.max)
        if let refusal = FrameStepping.refusal(count: count, mode: server.frameClock.mode) { throw ControlError("frame: \(refusal)") }
        steps.append(Step(reply: reply, left: count))
        if steps.count == 1 { stepFrame() }
    }

    /// Presents one frame of the oldest request; the next one follows after the loop had a turn (1 ms),
    /// so that clients answering this frame's callbacks can commit before it.
    private func stepFrame() {
        steps.removeAll { !$0.reply.isPending }
        guard !steps.isEmpty else { return }
        server.repaint()
        steps[0].frames.append(server.frameCount)
        steps[0].left -= 1
        if steps[0].left == 0 {
            let done = steps.removeFirst()
            done.reply.succeed([("frames", .array(done.frames.map { .number(Double($0)) })),
                                ("frame", .number(Double(server.frameCount)))])
        }
        if !steps.isEmpty { stepTimer?.arm(milliseconds: 1) }
    }
}

extension ControlService.Wait.Kind {
    var command: String {
        switch self {
        case .settled: return "wait.settled"
        case .window: return "wait.window"
        }
    }
}
