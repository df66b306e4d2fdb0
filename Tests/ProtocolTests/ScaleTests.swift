import CProtocolsClient
import CWaylandClient
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// wl_surface.set_buffer_scale: a buffer whose size is not a multiple of its scale is refused at commit
    /// (wayland.xml, wl_surface.attach: "an invalid_size error is sent"); a proper one shows at its logical size.
    @Suite struct BufferScale {
        @Test func aBufferNotAMultipleOfItsScaleIsRefused() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "odd")
            let file = try PoolFile(size: 33 * 32 * 4)
            let buffer = try client.buffer(try client.pool(file), width: 33, height: 32)
            wl_surface_set_buffer_scale(window.surface, 2)
            client.show(buffer, on: window.surface, width: 33, height: 32)
            try session.expectProtocolError(client, interface: "wl_surface", code: WL_SURFACE_ERROR_INVALID_SIZE.rawValue,
                                            message: "buffer size 33x32 is not a multiple of the buffer scale 2")
        }

        @Test func aScaleTwoBufferIsDownscaledOnAScaleOneOutput() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "hidpi")
            let file = try PoolFile(size: 32 * 32 * 4)
            file.fill(width: 32, height: 32, color: 0x40_80C0)
            let buffer = try client.buffer(try client.pool(file), width: 32, height: 32)
            wl_surface_set_buffer_scale(window.surface, 2)
            client.show(buffer, on: window.surface, width: 32, height: 32)
            try #require(client.link.roundtrip())
            session.repaint()
            let origin = try #require(session.position(of: "hidpi"))
            #expect(session.server.windows.first { $0.appID == "hidpi" }?.surface.width == 16)
            #expect(session.pixel(origin.x + 15, origin.y + 15) == 0x40_80C0)
            #expect(session.pixel(origin.x + 16, origin.y + 8) == Session.background)
            #expect(session.pixel(origin.x + 8, origin.y + 16) == Session.background)
        }
    }
}
