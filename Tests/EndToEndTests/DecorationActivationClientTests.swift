import Compositor
import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// xdg-decoration and xdg-activation with real toolkits. Qt 5 asks for decorations and draws its own when told
/// client_side. GTK4 asks to be activated when it presents a window, with a token it
/// makes itself. Without user input there is no serial to quote, so Seawall ignores the request.
@Suite(.serialized)
struct DecorationActivationClientTests {
    @Test("gtk4-demo's application asks for activation with a token made without input: ignored, and it runs on")
    func gtk4AsksWithoutInput() throws {
        let tool = "/usr/bin/gtk4-demo"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's gtk-4-examples")
        let harness = try Harness(width: 1024, height: 768)
        var outcomes: [ActivationOutcome] = []
        harness.server.onActivationRequest = { outcomes.append($0) }
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-activation")
        try harness.listen(inDirectory: directory, name: "wayland-activation")
        defer { _ = try? ChildProcess(executable: "/bin/rm", arguments: ["-rf", directory]).wait(seconds: 30) }
        var environment = RealAppTests.environment(directory)
        environment["GSK_RENDERER"] = "cairo"
        environment["XDG_RUNTIME_DIR"] = directory
        environment["WAYLAND_DISPLAY"] = "wayland-activation"
        environment["WAYLAND_SOCKET"] = .some(nil)
        let client = try harness.launch(tool, ["--run=application_demo"], environment: environment)
        defer { client.terminate() }
        try harness.run(seconds: 60) { !outcomes.isEmpty || !client.isRunning }
        #expect(outcomes == [.notFromUserInput], Comment(rawValue: client.transcript))
        #expect(client.isRunning, Comment(rawValue: client.transcript))
        #expect(!client.stderr.contains("protocol error"), Comment(rawValue: client.transcript))
    }

    @Test("Qt 5 asks for the compositor's preferred decorations (unset_mode) and is told client_side; its window maps")
    func qtIsToldClientSide() throws {
        let tool = AppInputTests.qtCalculator
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's qtbase5-examples")
        let harness = try Harness(width: 1024, height: 768)
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-decoration")
        try harness.listen(inDirectory: directory, name: "wayland-decoration")
        defer { _ = try? ChildProcess(executable: "/bin/rm", arguments: ["-rf", directory]).wait(seconds: 30) }
        var environment = RealAppTests.environment(directory)
        for (key, value) in AppInputTests.qtEnvironment { environment[key] = value }
        environment["XDG_RUNTIME_DIR"] = directory
        environment["WAYLAND_DISPLAY"] = "wayland-decoration"
        environment["WAYLAND_SOCKET"] = .some(nil)
        environment["WAYLAND_DEBUG"] = "client"
        let client = try harness.launch(tool, [], environment: environment)
        defer { client.terminate() }
        try harness.run(seconds: 60) { harness.server.windows.first?.mapped == true || !client.isRunning }
        #expect(client.isRunning, Comment(rawValue: client.transcript))
        let lines = client.stderr.split(separator: "\n")
        #expect(lines.contains { $0.contains("zxdg_decoration_manager_v1@") && $0.contains(".get_toplevel_decoration(") },
                Comment(rawValue: client.transcript))
        #expect(lines.contains { $0.contains("zxdg_toplevel_decoration_v1@") && $0.hasSuffix(".configure(1)") },
                "told client_side (1)")
        #expect(!lines.contains { $0.contains("zxdg_toplevel_decoration_v1@") && $0.hasSuffix(".configure(2)") },
                "never server_side")
    }
}
