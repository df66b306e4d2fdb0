import CProtocolsClient
import CWaylandClient
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// wp_viewporter (crop and scale) and wp_single_pixel_buffer_manager_v1 (poolless solid buffers), with
    /// every error viewporter.xml names.
    @Suite struct Viewporter {
        func fixed(_ v: Int32) -> Int32 { v * 256 }

        func viewport(_ client: TestClient, _ surface: OpaquePointer) throws -> OpaquePointer {
            let viewporter = try client.bind("wp_viewporter", version: 1)
            return try #require(client.link.track(wp_viewporter_get_viewport(viewporter, surface)))
        }

        @Test func aCropIsStretchedToTheDestination() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "crop")
            let file = try PoolFile(size: 32 * 32 * 4)
            file.fill(width: 32, height: 32, color: 0xC0_8040)
            file.fill(width: 16, height: 32, stride: 32 * 4, color: 0x10_2030)   // the left half, cropped away
            let buffer = try client.buffer(try client.pool(file), width: 32, height: 32)
            let viewport = try viewport(client, window.surface)
            wp_viewport_set_source(viewport, fixed(16), 0, fixed(16), fixed(16))
            wp_viewport_set_destination(viewport, 48, 40)
            client.show(buffer, on: window.surface, width: 32, height: 32)
            try #require(client.link.roundtrip())
            session.repaint()
            let origin = try #require(session.position(of: "crop"))
            let surface = try #require(session.server.windows.first { $0.appID == "crop" }?.surface)
            #expect(surface.width == 48 && surface.height == 40)
            #expect(session.pixel(origin.x, origin.y) == 0xC0_8040)
            #expect(session.pixel(origin.x + 47, origin.y + 39) == 0xC0_8040)
            #expect(session.pixel(origin.x + 48, origin.y + 20) == Session.background)
            #expect(session.pixel(origin.x + 20, origin.y + 40) == Session.background)

            // Destroying the viewport removes crop and scale with the next commit.
            client.link.forget(viewport)
            wp_viewport_destroy(viewport)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(surface.width == 32 && surface.height == 32)
        }

        @Test func aSinglePixelBufferFillsItsDestination() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "solid")
            let manager = try client.bind("wp_single_pixel_buffer_manager_v1", version: 1)
            let buffer = try #require(client.link.track(wp_single_pixel_buffer_manager_v1_create_u32_rgba_buffer(manager, 0, .max, .max / 2 + 1, .max)))
            let viewport = try viewport(client, window.surface)
            wp_viewport_set_destination(viewport, 60, 50)
            client.show(buffer, on: window.surface, width: 1, height: 1)
            try #require(client.link.roundtrip())
            session.repaint()
            let origin = try #require(session.position(of: "solid"))
            #expect(session.server.windows.first { $0.appID == "solid" }?.surface.width == 60)
            for (x, y) in [(0, 0), (59, 49), (30, 25)] {
                #expect(session.pixel(origin.x + Int64(x), origin.y + Int64(y)) == 0x00_FF80)
            }
            #expect(session.pixel(origin.x + 60, origin.y) == Session.background)
        }

        @Test func aSourceOutsideTheBufferIsRefusedAtCommit() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "oob")
            let file = try PoolFile(size: 32 * 32 * 4)
            let buffer = try client.buffer(try client.pool(file), width: 32, height: 32)
            let viewport = try viewport(client, window.surface)
            wp_viewport_set_source(viewport, fixed(20), 0, fixed(16), fixed(16))
            client.show(buffer, on: window.surface, width: 32, height: 32)
            try session.expectProtocolError(client, interface: "wp_viewport", code: WP_VIEWPORT_ERROR_OUT_OF_BUFFER.rawValue,
                                            message: "source rectangle (20, 0, 16x16) (buffer scale 1) is outside the 32x32 buffer")
        }

        @Test func aFractionalSourceWithoutDestinationIsBadSize() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "frac")
            let file = try PoolFile(size: 32 * 32 * 4)
            let buffer = try client.buffer(try client.pool(file), width: 32, height: 32)
            let viewport = try viewport(client, window.surface)
            wp_viewport_set_source(viewport, 0, 0, fixed(10) + 128, fixed(10))
            client.show(buffer, on: window.surface, width: 32, height: 32)
            try session.expectProtocolError(client, interface: "wp_viewport", code: WP_VIEWPORT_ERROR_BAD_SIZE.rawValue,
                                            message: "source size (0, 0, 10.5x10) is not whole and no destination size is set")
        }

        @Test func aZeroDestinationIsBadValue() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            wp_viewport_set_destination(try viewport(client, surface), 0, 5)
            try session.expectProtocolError(client, interface: "wp_viewport", code: WP_VIEWPORT_ERROR_BAD_VALUE.rawValue,
                                            message: "set_destination(0, 5): the size must be positive (both -1 unsets)")
        }

        @Test func aNegativeSourceIsBadValue() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            wp_viewport_set_source(try viewport(client, surface), -256, 0, 256, 256)
            try session.expectProtocolError(client, interface: "wp_viewport", code: WP_VIEWPORT_ERROR_BAD_VALUE.rawValue,
                                            message: "set_source(-1.0, 0.0, 1.0, 1.0): the origin must not be negative and the size must be positive (all -1 unsets)")
        }

        @Test func aSecondViewportIsViewportExists() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            _ = try viewport(client, surface)
            _ = try viewport(client, surface)
            try session.expectProtocolError(client, interface: "wp_viewporter", code: WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS.rawValue,
                                            message: "wl_surface@\(wl_proxy_get_id(surface)) already has a wp_viewport")
        }

        @Test func aViewportOfADestroyedSurfaceIsNoSurface() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            let viewport = try viewport(client, surface)
            client.link.forget(surface)
            wl_surface_destroy(surface)
            wp_viewport_set_destination(viewport, 10, 10)
            try session.expectProtocolError(client, interface: "wp_viewport", code: WP_VIEWPORT_ERROR_NO_SURFACE.rawValue,
                                            message: "set_destination: the wl_surface was destroyed")
        }

        @Test func aViewportDestroyedAfterItsSurfaceIsQuiet() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            let viewport = try viewport(client, surface)
            client.link.forget(surface)
            wl_surface_destroy(surface)
            client.link.forget(viewport)
            wp_viewport_destroy(viewport)
            #expect(client.link.roundtrip())
        }
    }
}
