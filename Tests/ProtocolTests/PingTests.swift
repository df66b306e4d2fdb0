import CProtocolsClient
import CWaylandClient
import Compositor
import DemoClientKit
import Testing
import WaylandServer

/// The pings behind `seawall ctl input wait` (`Server.ping`, ServerPing.swift): only the pinged client's
/// pong with its ping's serial, on the xdg_wm_base it went out on, answers it. Pongs with any other serial
/// (another client's, a guess, a stale one, a cancelled one) are ignored without an error.
extension ProtocolTests {
    /// A client's xdg_wm_base and the ping serials it heard (it answers none by itself).
    final class PingRecorder {
        let base: OpaquePointer
        private(set) var serials: [UInt32] = []

        init(_ client: TestClient) throws {
            base = try client.wmBase()
            xdg_wm_base_add_listener(base, PingRecorder.listener, Unmanaged.passUnretained(self).toOpaque())
            client.keep(self)
        }

        nonisolated(unsafe) static let listener = listenerTable(xdg_wm_base_listener(ping: { data, _, serial in
            guard let data else { return }
            Unmanaged<PingRecorder>.fromOpaque(data).takeUnretainedValue().serials.append(serial)
        }))
    }

    @Test("a ping is answered only by its own client's pong with its serial; other serials, stale and cancelled pongs are ignored without an error")
    func pingsMatchTheirPongs() throws {
        let session = try Session()
        let a = try session.connect(), b = try session.connect()
        let pingsA = try PingRecorder(a), pingsB = try PingRecorder(b)
        _ = try session.configuredWindow(a, appID: "a")
        _ = try session.configuredWindow(b, appID: "b")
        let server = session.server
        let clientA = try #require(server.windows.first { $0.appID == "a" }).surface.client
        let clientB = try #require(server.windows.first { $0.appID == "b" }).surface.client
        var answeredA = 0, answeredB = 0
        let tokenA = try #require(server.ping(clientA) { answeredA += 1 })
        let tokenB = try #require(server.ping(clientB) { answeredB += 1 })
        server.display.flush()
        a.link.dispatchArrived()
        b.link.dispatchArrived()
        let serialA = try #require(pingsA.serials.last), serialB = try #require(pingsB.serials.last)
        #expect(serialA != serialB)

        // B answers A's ping, and guesses; A answers B's: none counts.
        for serial in [serialA, serialA &- 1, serialB &+ 1, 0, UInt32.max] where serial != serialB { xdg_wm_base_pong(pingsB.base, serial) }
        xdg_wm_base_pong(pingsA.base, serialB)
        #expect(a.link.roundtrip() && b.link.roundtrip())
        #expect(answeredA == 0 && answeredB == 0 && server.isWaiting(for: tokenA) && server.isWaiting(for: tokenB))

        // A's own pong answers its ping, once; a repeat is ignored.
        xdg_wm_base_pong(pingsA.base, serialA)
        xdg_wm_base_pong(pingsA.base, serialA)
        #expect(a.link.roundtrip())
        #expect(answeredA == 1 && !server.isWaiting(for: tokenA))

        // A cancelled ping (a timed-out input wait) ignores its late pong.
        server.cancelPing(tokenB)
        xdg_wm_base_pong(pingsB.base, serialB)
        #expect(b.link.roundtrip())
        #expect(answeredB == 0 && !server.isWaiting(for: tokenB))
        #expect(a.link.errorNumber == 0 && b.link.errorNumber == 0)
    }

    @Test("a ping cannot be answered once its client destroys its xdg_wm_base; a client without one cannot be pinged")
    func pingWithoutShell() throws {
        let session = try Session()
        let client = try session.connect()
        let pings = try PingRecorder(client)
        let window = try session.configuredWindow(client, appID: "c")
        let id = try #require(session.server.windows.first { $0.appID == "c" }).surface.client
        let token = try #require(session.server.ping(id) {})
        // Without its surfaces, the client may destroy its xdg_wm_base (here before it heard the ping).
        xdg_toplevel_destroy(window.toplevel)
        xdg_surface_destroy(window.xdgSurface)
        xdg_wm_base_destroy(pings.base)
        for proxy in [window.toplevel, window.xdgSurface, pings.base] { client.link.forget(proxy) }
        #expect(client.link.roundtrip())
        #expect(!session.server.isWaiting(for: token))
        #expect(session.server.ping(id) {} == nil)
        #expect(client.link.errorNumber == 0)
    }
}
