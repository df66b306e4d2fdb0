import CProtocolsClient
import Compositor
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// wp_fractional_scale_v1 with a real client: the preferred scale in 1/120 follows `--scale`, and the
    /// one error the protocol names (fractional_scale_exists).
    @Suite struct FractionalScale {
        /// The preferred_scale events one wp_fractional_scale_v1 received, in order.
        final class Received { var scales: [UInt32] = [] }

        nonisolated(unsafe) static let listener = listenerTable(wp_fractional_scale_v1_listener(
            preferred_scale: { data, _, scale in
                guard let data else { return }
                Unmanaged<Received>.fromOpaque(data).takeUnretainedValue().scales.append(scale)
            }))

        func fractionalScale(_ client: TestClient, _ surface: OpaquePointer, _ received: Received) throws -> OpaquePointer {
            let manager = try client.bind("wp_fractional_scale_manager_v1", version: 1)
            let object = try #require(client.link.track(wp_fractional_scale_manager_v1_get_fractional_scale(manager, surface)))
            wp_fractional_scale_v1_add_listener(object, Self.listener, Unmanaged.passUnretained(received).toOpaque())
            return object
        }

        @Test(arguments: [(1, UInt32(120)), (2, 240), (3, 360)])
        func thePreferredScaleIsTheOutputScaleIn120ths(scale: Int, expected: UInt32) throws {
            let session = try Session { $0.scale = scale }
            let client = try session.connect()
            let surface = try client.surface()
            let received = Received()
            _ = try fractionalScale(client, surface, received)
            try #require(client.link.roundtrip())
            #expect(received.scales == [expected], "sent once, at once, before any buffer")
        }

        /// --scale 1.5: preferred_scale is exactly 180, wl_output.scale the scale rounded up (2).
        @Test func aFractionalOutputScaleIsSentExactly() throws {
            let session = try Session { if let scale = OutputScale(numerator: 180) { $0.outputScale = scale } }
            let client = try session.connect()
            let surface = try client.surface()
            let received = Received()
            _ = try fractionalScale(client, surface, received)
            try #require(client.link.roundtrip())
            #expect(received.scales == [180])
            #expect(session.server.configuration.scale == 2, "wl_output.scale is ceil(1.5)")
            #expect(session.server.configuration.logicalWidth == Int((Double(session.server.configuration.width) / 1.5).rounded(.up)))
        }

        @Test func aSecondObjectForASurfaceIsAnError() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            _ = try fractionalScale(client, surface, Received())
            _ = try fractionalScale(client, surface, Received())
            try session.expectProtocolError(client, interface: "wp_fractional_scale_manager_v1", code: 0,
                                            message: "wl_surface@\(wl_proxy_get_id(surface)) already has a wp_fractional_scale_v1")
        }

        @Test func aDestroyedObjectCanBeReplacedAndOutliveItsSurface() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            let first = try fractionalScale(client, surface, Received())
            client.link.forget(first)
            wp_fractional_scale_v1_destroy(first)
            let received = Received()
            let second = try fractionalScale(client, surface, received)
            try #require(client.link.roundtrip())
            #expect(received.scales == [120])
            // The surface goes first; the object stays, inert, and can still be destroyed.
            client.link.forget(surface)
            wl_surface_destroy(surface)
            try #require(client.link.roundtrip())
            client.link.forget(second)
            wp_fractional_scale_v1_destroy(second)
            try #require(client.link.roundtrip())
        }
    }
}
