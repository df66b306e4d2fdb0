import Compositor
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// End to end: seawall-demo with wp_viewport (`--viewport X,Y,WxH --destination WxH`), compared with a golden.
@Suite(.serialized)
struct ViewportDemoTests {
    @Test("a cropped gradient stretched 1.5x by its viewport")
    func cropStretched() throws {
        let harness = try Harness(width: 400, height: 300)
        let client = try harness.demo(["gradient", "--size", "160x120", "--viewport", "40,30,80x60",
                                       "--destination", "240x180", "--frames", "3", "--hold"])
        try harness.run { HiDPITests.shown(client, 3) }

        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.surface.width == 240 && window.surface.height == 180, "the destination is the logical size")
        expectGolden(harness.capture(), "viewport-crop-stretch")
    }
}
