import Compositor
import SeawallTestSupport
import Testing
import WaylandServer

/// xdg_toplevel maximized/fullscreen: the configure carries the state and the output's size, and the window
/// goes to the output's corner (read off the client's own protocol log, WAYLAND_DEBUG=1).
@Suite(.serialized)
struct ToplevelStateTests {
    @Test("a toplevel asking to be maximized or fullscreen gets a 640x480 configure with one state, at (0, 0)",
          arguments: ["--maximized", "--fullscreen"])
    func maximizedOrFullscreen(flag: String) throws {
        let harness = try Harness()
        let client = try harness.spawn(Harness.binaryDirectory + "/seawall-demo",
                                       ["solid", "--size", "100x80", "--frames", "2", "--hold", flag],
                                       environment: ["WAYLAND_DEBUG": "1"])
        try harness.run { client.stdout.contains("2 frames shown") }
        let configures = client.stderr.split(separator: "\n").filter { $0.contains("xdg_toplevel@") && $0.contains(".configure(") }
        let first = try #require(configures.first.map(String.init), Comment(rawValue: client.stderr))
        #expect(first.contains("configure(640, 480, array[4])"), Comment(rawValue: first))
        let window = try #require(harness.window(appID: "seawall-demo.solid"))
        #expect(window.mapped && window.x == 0 && window.y == 0)
    }

    @Test("a plain toplevel is configured 0x0 with no states and cascades")
    func plain() throws {
        let harness = try Harness()
        let client = try harness.spawn(Harness.binaryDirectory + "/seawall-demo",
                                       ["solid", "--size", "100x80", "--frames", "2", "--hold"],
                                       environment: ["WAYLAND_DEBUG": "1"])
        try harness.run { client.stdout.contains("2 frames shown") }
        #expect(client.stderr.contains(".configure(0, 0, array[0])"), Comment(rawValue: client.stderr))
        #expect(harness.window(appID: "seawall-demo.solid").map { ($0.x, $0.y) } ?? (0, 0) == (32, 32))
    }
}
