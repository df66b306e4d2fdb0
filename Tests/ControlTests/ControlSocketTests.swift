import Compositor
import Control
import Glibc
import Logging
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// An in-process Seawall (manual frames) with its control socket on a real Unix socket in a private
/// directory, real `ControlClient`s, and seawall-demo processes as Wayland clients. One thread drives the
/// server and the clients: a request is sent, then the server's loop runs until the reply is there.
final class ControlSession {
    let harness: Harness
    let service: ControlService
    let socket: ControlSocket
    let directory: String
    var server: Server { harness.server }
    /// Whether `reply` repaints while it waits (demo clients need frames; frame counting tests do not).
    var repaints = true

    /// One 320x240 output, or `outputs`.
    init(limits: ControlSocket.Limits = ControlSocket.Limits(), refresh: RefreshMode = .manual, outputs: [OutputSpec]? = nil) throws {
        harness = try Harness(width: 320, height: 240) {
            $0.refresh = refresh
            if let outputs { $0.outputs = outputs }
        }
        directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-ctl")
        service = ControlService(server: harness.server)
        var log = Logger(label: "seawall-ctl-test")
        log.logLevel = .critical
        socket = try ControlSocket(path: directory + "/ctl", display: harness.server.display, router: service.router,
                                   log: log, limits: limits)
    }

    func connect() throws -> ControlClient {
        let client = try ControlClient(path: socket.path)
        server.display.dispatch(timeoutMilliseconds: 0)   // accepted
        return client
    }

    /// Runs the server's loop (and repaints for the demo clients) until `client` has a reply line.
    func reply(_ client: ControlClient, seconds: Double = 20) throws -> JSON {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            server.display.dispatch(timeoutMilliseconds: 2)
            if repaints && server.needsRepaint { server.repaint() }
            if let line = try? client.readLine(timeout: 0.001) {
                return try JSON.parse(line)
            }
        }
        throw ControlClient.Failure("no reply within \(seconds) s")
    }

    func request(_ client: ControlClient, _ json: String) throws -> JSON {
        try client.send(bytes: Array((json + "\n").utf8))
        return try reply(client)
    }

    /// The connection was closed by the server (after any `extra` bytes).
    func closed(_ client: ControlClient) -> (closed: Bool, extra: [UInt8]) {
        for _ in 0..<50 { server.display.dispatch(timeoutMilliseconds: 2) }
        return client.awaitClose(timeout: 2)
    }

    /// Starts seawall-demo ARGUMENTS and serves until its window is mapped.
    @discardableResult
    /// Two overlapping 200x150 seawall-demo windows that print the input they get (`--print-input`): solid
    /// at (32, 32), checkerboard above it at (80, 80); and a control client.
    func twoInputWindows() throws -> (ControlClient, below: ChildProcess, above: ChildProcess) {
        let below = try demo(["solid", "--size", "200x150", "--frames", "2", "--hold", "--print-input"], appID: "seawall-demo.solid")
        let above = try demo(["checkerboard", "--size", "200x150", "--frames", "2", "--hold", "--print-input"], appID: "seawall-demo.checkerboard")
        return (try connect(), below, above)
    }

    func demo(_ arguments: [String], appID: String) throws -> ChildProcess {
        let child = try harness.demo(arguments)
        try harness.run { harness.window(appID: appID)?.mapped == true }
        return child
    }
}

@Suite(.serialized)
struct ControlSocketTests {
    @Test("malformed JSON, unknown commands and wrong argument types get an error reply, and the connection and Seawall go on")
    func badRequests() throws {
        let session = try ControlSession()
        session.repaints = false
        let client = try session.connect()
        let cases: [(String, String)] = [
            ("{", "malformed JSON"),
            ("\u{1}\u{2}\u{FF}", "malformed JSON"),
            ("[1,2]", "a request must be a JSON object"),
            ("{}", "no \"command\""),
            ("{\"command\":42}", "\"command\" must be a string"),
            ("{\"command\":\"reboot\"}", "unknown command \"reboot\""),
            ("{\"command\":\"screenshot\"}", "missing argument \"file\""),
            ("{\"command\":\"screenshot\",\"file\":7}", "\"file\" must be a string, not a number"),
            ("{\"command\":\"screenshot\",\"file\":\"relative.png\"}", "absolute path"),
            ("{\"command\":\"screenshot\",\"file\":\"/tmp/x.gif\"}", "must end in .png or .ppm"),
            ("{\"command\":\"screenshot\",\"file\":\"/tmp/x.png\",\"region\":[1,2,3]}", "[x, y, width, height]"),
            ("{\"command\":\"screenshot\",\"file\":\"/tmp/x.png\",\"window\":\"nobody\"}", "no mapped window"),
            ("{\"command\":\"wait.settled\",\"ms\":\"soon\"}", "\"ms\" must be an integer"),
            ("{\"command\":\"wait.settled\",\"ms\":1.5}", "\"ms\" must be an integer"),
            ("{\"command\":\"wait.settled\",\"timeout\":-1}", "\"timeout\" must be between"),
            ("{\"command\":\"wait.window\"}", "missing argument \"match\""),
            ("{\"command\":\"frame\",\"count\":0}", "between 1 and 1000"),
            ("{\"command\":\"frame\",\"count\":1e300}", "\"count\" must be an integer"),
            (String(repeating: "[", count: 60_000), "nested deeper"),
        ]
        for (line, words) in cases {
            let reply = try session.request(client, line)
            #expect(reply["ok"] == .bool(false), "\(line.prefix(60)): \(reply.text)")
            #expect(reply["error"]?.string?.contains(words) == true, "\(line.prefix(60)): \(reply.text)")
            #expect(reply.text.count < 600, "the error reply echoes too much")
        }
        // The id is echoed, on errors too.
        let withID = try session.request(client, "{\"command\":\"nope\",\"id\":\"a1\"}")
        #expect(withID["id"] == .string("a1"))
        // Nothing changed: the same connection still gets real answers, and the compositor drew nothing new.
        let output = try session.request(client, "{\"command\":\"output\"}")
        #expect(output["ok"] == .bool(true) && output["width"] == .number(320) && output["frames"] == .number(0), "\(output.text)")
        #expect(session.socket.connectionCount == 1)
    }

    @Test("a line over the limit gets one error reply and the connection is closed; other clients are served")
    func hugeLine() throws {
        let session = try ControlSession()
        let other = try session.connect()
        let attacker = try session.connect()
        // 1 MiB without a newline, sent while the server runs (the server stops reading past the limit).
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        _ = fcntl(attacker.rawFD, F_SETFL, fcntl(attacker.rawFD, F_GETFL) | O_NONBLOCK)
        var sent = 0
        for _ in 0..<2000 where sent < huge.count {
            let n = huge.withUnsafeBytes { send(attacker.rawFD, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n } else if errno != EAGAIN { break }
            session.server.display.dispatch(timeoutMilliseconds: 1)
        }
        let (closed, extra) = session.closed(attacker)
        #expect(closed, "the connection is still open")
        let text = String(decoding: extra, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1, "expected exactly one reply line, got \(text.prefix(300))")
        let reply = try JSON.parse(String(lines.first ?? ""))
        #expect(reply["ok"] == .bool(false))
        #expect(reply["error"]?.string?.contains("longer than 65536 bytes") == true, "\(reply.text)")
        #expect(session.socket.connectionCount == 1)
        let windows = try session.request(other, "{\"command\":\"windows\"}")
        #expect(windows == .object([("ok", .bool(true)), ("windows", .array([]))]), "\(windows.text)")
    }

    @Test("a client that never reads its replies is dropped once its replies pass the limit; Seawall is not blocked")
    func neverReads() throws {
        var limits = ControlSocket.Limits()
        limits.maxOutputBytes = 8 << 10
        let session = try ControlSession(limits: limits)
        let lazy = try session.connect()
        // A tiny receive buffer on the client, so that replies pile up in Seawall rather than in the kernel.
        var small: Int32 = 4096
        setsockopt(lazy.rawFD, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(4))
        _ = fcntl(lazy.rawFD, F_SETFL, fcntl(lazy.rawFD, F_GETFL) | O_NONBLOCK)
        let request = Array(String(repeating: "{\"command\":\"output\"}\n", count: 200).utf8)
        var dropped = false
        for _ in 0..<5000 {
            let n = request.withUnsafeBytes { send(lazy.rawFD, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno != EAGAIN { dropped = true; break }   // EPIPE / ECONNRESET: Seawall hung up
            session.server.display.dispatch(timeoutMilliseconds: 1)
            if session.socket.connectionCount == 0 { dropped = true; break }
        }
        #expect(dropped, "the lazy client was never dropped")
        #expect(session.socket.connectionCount == 0)
        let next = try session.connect()
        #expect(try session.request(next, "{\"command\":\"output\"}")["ok"] == .bool(true))
    }

    @Test("connections past the limit get an error reply and are closed")
    func connectionLimit() throws {
        var limits = ControlSocket.Limits()
        limits.maxConnections = 2
        let session = try ControlSession(limits: limits)
        let first = try session.connect(), second = try session.connect()
        let third = try session.connect()
        let (closed, extra) = session.closed(third)
        #expect(closed)
        #expect(String(decoding: extra, as: UTF8.self).contains("too many control connections"))
        #expect(try session.request(first, "{\"command\":\"windows\"}")["ok"] == .bool(true))
        #expect(try session.request(second, "{\"command\":\"windows\"}")["ok"] == .bool(true))
    }

    @Test("windows lists every mapped toplevel with app_id, title, geometry, states and pid")
    func windows() throws {
        let session = try ControlSession()
        let a = try session.demo(["solid", "--size", "60x40", "--frames", "1", "--hold"], appID: "seawall-demo.solid")
        let b = try session.demo(["checkerboard", "--size", "50x30", "--frames", "1", "--hold"], appID: "seawall-demo.checkerboard")
        let client = try session.connect()
        let reply = try session.request(client, "{\"command\":\"windows\",\"id\":3}")
        #expect(reply["ok"] == .bool(true) && reply["id"] == .number(3))
        let windows = try #require(reply["windows"]?.array)
        #expect(windows.count == 2)
        let solid = try #require(windows.first { $0["app_id"] == .string("seawall-demo.solid") })
        let placed = try #require(session.harness.window(appID: "seawall-demo.solid"))
        #expect(solid["title"] == .string("seawall-demo solid"))
        #expect(solid["x"] == .number(Double(placed.x)) && solid["y"] == .number(Double(placed.y)))
        #expect(solid["width"] == .number(60) && solid["height"] == .number(40))
        // These clients came over socketpairs made by this process: SO_PEERCRED names it, not the child
        // (CtlProcessTests checks the child's pid over a real socket).
        #expect(solid["pid"] == .number(Double(getpid())) && a.isRunning)
        #expect(solid["activated"] == .bool(false) && solid["maximized"] == .bool(false) && solid["fullscreen"] == .bool(false))
        let checker = try #require(windows.first { $0["app_id"] == .string("seawall-demo.checkerboard") })
        #expect(checker["activated"] == .bool(true), "the last window mapped is the active one")
        #expect(checker["pid"] == .number(Double(getpid())) && b.isRunning)
        let human = ControlCommandLine.describe(reply, command: "windows")
        #expect(human.contains("seawall-demo.solid") && human.contains("60x40+") && human.contains("activated"), "\(human)")
        #expect(solid["minimized"] == .bool(false))

        // A minimized window (as a task bar's zwlr_foreign_toplevel_handle_v1.set_minimized makes it) stays
        // listed, with the state the window list reports.
        let window = try #require(session.harness.server.windows.first { $0.appID == "seawall-demo.checkerboard" })
        #expect(session.harness.server.compositor.minimize(window.window))
        let after = try session.request(client, "{\"command\":\"windows\",\"id\":4}")
        let listed = try #require(after["windows"]?.array)
        #expect(listed.count == 2)
        let minimized = try #require(listed.first { $0["app_id"] == .string("seawall-demo.checkerboard") })
        #expect(minimized["minimized"] == .bool(true) && minimized["activated"] == .bool(false))
        #expect(ControlCommandLine.describe(after, command: "windows").contains("minimized"))
    }

    @Test("screenshot --window of a window under another shows only that window; the output shows the top one")
    func windowScreenshot() throws {
        let session = try ControlSession()
        _ = try session.demo(["solid", "--size", "80x60", "--color", "3366cc", "--frames", "1", "--hold"], appID: "seawall-demo.solid")
        _ = try session.demo(["gradient", "--size", "80x60", "--frames", "1", "--hold"], appID: "seawall-demo.gradient")
        let below = try #require(session.harness.window(appID: "seawall-demo.solid"))
        let above = try #require(session.harness.window(appID: "seawall-demo.gradient"))
        // The gradient covers the solid window's lower-right quarter.
        session.server.placeWindow(below.surface, x: 10, y: 10)
        session.server.placeWindow(above.surface, x: 50, y: 40)
        let client = try session.connect()
        let file = session.directory + "/window.ppm"
        defer { unlink(file) }
        let reply = try session.request(client, "{\"command\":\"screenshot\",\"file\":\"\(file)\",\"window\":\"seawall-demo.solid\"}")
        #expect(reply["ok"] == .bool(true) && reply["width"] == .number(80) && reply["height"] == .number(60), "\(reply.text)")
        let image = try RGBImage(contentsOfPPM: file)
        #expect(image.width == 80 && image.height == 60)
        var wrong = 0
        for y in 0..<60 { for x in 0..<80 where image.pixel(x: x, y: y) != (0x33, 0x66, 0xCC) { wrong += 1 } }
        #expect(wrong == 0, "\(wrong) pixels of the window screenshot are not the solid window's colour")
        // The whole output, cropped to the solid window: its overlapped quarter shows the gradient instead.
        let whole = session.directory + "/output.png"
        defer { unlink(whole) }
        let cropped = try session.request(client, "{\"command\":\"screenshot\",\"file\":\"\(session.directory)/crop.ppm\",\"region\":[10,10,80,60]}")
        defer { unlink(session.directory + "/crop.ppm") }
        #expect(cropped["ok"] == .bool(true), "\(cropped.text)")
        let crop = try RGBImage(contentsOfPPM: session.directory + "/crop.ppm")
        #expect(crop.pixel(x: 5, y: 5) == (0x33, 0x66, 0xCC))
        #expect(crop.pixel(x: 60, y: 50) != (0x33, 0x66, 0xCC), "the window above shows in the output")
        session.server.repaint()
        #expect(crop == (try Screenshot.crop(RGBImage(session.server.renderer.image), to: Rect(x: 10, y: 10, width: 80, height: 60))),
                "the screenshot is what the next frame shows")
        let png = try session.request(client, "{\"command\":\"screenshot\",\"file\":\"\(whole)\"}")
        #expect(png["ok"] == .bool(true) && png["width"] == .number(320), "\(png.text)")
        var signature = [UInt8](repeating: 0, count: 4)
        if let f = fopen(whole, "r") { _ = fread(&signature, 1, 4, f); fclose(f) }
        #expect(signature == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("wait.window answers when the window maps; wait.settled when nothing changed for the quiet time; both time out")
    func waits() throws {
        let session = try ControlSession()
        let client = try session.connect()
        try client.send(ControlRequest(command: "wait.window", arguments: [("match", .string("seawall-demo.solid"))]).body)
        for _ in 0..<20 { session.server.display.dispatch(timeoutMilliseconds: 1) }
        #expect((try? client.readLine(timeout: 0.01)) == nil, "wait.window answered before any window")
        _ = try session.harness.demo(["solid", "--size", "30x30", "--frames", "3", "--hold"])
        let mapped = try session.reply(client)
        #expect(mapped["ok"] == .bool(true) && mapped["app_id"] == .string("seawall-demo.solid"), "\(mapped.text)")
        #expect(session.harness.window(appID: "seawall-demo.solid")?.mapped == true)

        let started = monotonicSeconds()
        let settled = try session.request(client, "{\"command\":\"wait.settled\",\"ms\":150,\"window\":\"seawall-demo.solid\"}")
        #expect(settled["ok"] == .bool(true), "\(settled.text)")
        #expect((settled["quiet"]?.number ?? 0) >= 0.15)
        #expect(monotonicSeconds() - started < 10)

        let timedOut = try session.request(client, "{\"command\":\"wait.window\",\"match\":\"nobody\",\"timeout\":0.2}")
        #expect(timedOut["ok"] == .bool(false) && timedOut["error"]?.string?.contains("timed out") == true, "\(timedOut.text)")
    }

    @Test("wait.settled does not answer while a window keeps changing, and times out")
    func notSettledWhileAnimating() throws {
        let session = try ControlSession()
        session.harness.frameInterval = 0.01
        let box = try session.demo(["box", "--size", "60x60", "--frames", "100000"], appID: "seawall-demo.box")
        let client = try session.connect()
        let reply = try session.request(client, "{\"command\":\"wait.settled\",\"ms\":300,\"timeout\":1}")
        #expect(reply["ok"] == .bool(false) && reply["error"]?.string?.contains("timed out") == true, "\(reply.text)")
        box.terminate()
    }

    @Test("a wait whose client goes away is forgotten")
    func cancelledWait() throws {
        let session = try ControlSession()
        do {
            let client = try session.connect()
            try client.send(ControlRequest(command: "wait.window", arguments: [("match", .string("never"))]).body)
            for _ in 0..<10 { session.server.display.dispatch(timeoutMilliseconds: 1) }
        }
        for _ in 0..<20 { session.server.display.dispatch(timeoutMilliseconds: 2) }
        #expect(session.socket.connectionCount == 0)
    }

    @Test("frame N with manual refresh presents N frames and answers with their numbers; other modes refuse")
    func frames() throws {
        let session = try ControlSession()
        session.repaints = false
        let client = try session.connect()
        let reply = try session.request(client, "{\"command\":\"frame\",\"count\":3}")
        #expect(reply["frames"] == .array([.number(1), .number(2), .number(3)]), "\(reply.text)")
        #expect(session.server.frameCount == 3)
        let paced = try ControlSession(refresh: .interval(hz: 60))
        let other = try paced.connect()
        let refused = try paced.request(other, "{\"command\":\"frame\"}")
        #expect(refused["error"]?.string?.contains("--refresh manual") == true, "\(refused.text)")
    }
}
