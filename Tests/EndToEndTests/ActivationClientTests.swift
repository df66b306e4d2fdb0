import Compositor
import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// xdg-activation with a real toolkit: GTK4 asks to be activated when it presents a window, with a token it
/// makes itself. Without user input there is no serial to quote, so Seawall ignores the request.
@Suite(.serialized)
struct ActivationClientTests {
    @Test("gtk4-demo's application asks for activation with a token made without input: ignored, and it runs on")
    func gtk4AsksWithoutInput() throws {
        let tool = "/usr/bin/gtk4-demo"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's gtk-4-examples")
        let harness = try Harness(width: 1024, height: 768)
        var outcomes: [ActivationOutcome] = []
        harness.server.onActivationRequest = { outcomes.append($0) }
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-activation")
        try harness.listen(inDirectory: directory, name: "wayland-activation")
        defer { unlink(directory + "/wayland-activation"); rmdir(directory) }
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
}
