import CProtocolsClient
import CWaylandClient
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// xdg_wm_base: the configure → ack_configure → commit handshake, and what breaks it.
    @Suite struct XdgShell {
        @Test func configureAckCommitMapsAToplevel() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "handshake")
            try #require(client.link.roundtrip())
            #expect(window.serials.isEmpty, "configured before the initial commit")

            // The initial commit, without a buffer, asks for the first configure: size left to the client.
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(window.serials.count == 1)
            #expect(window.configures.map { [$0.width, $0.height] } == [[0, 0]])
            #expect(session.position(of: "handshake") == nil, "mapped without a buffer")

            try window.ackLatest()
            let file = try PoolFile(size: 20 * 10 * 4)
            file.fill(width: 20, height: 10, color: 0x12_3456)
            client.show(try client.buffer(try client.pool(file), width: 20, height: 10), on: window.surface,
                        width: 20, height: 10)
            try #require(client.link.roundtrip())
            #expect(client.link.errorNumber == 0)
            let shown = try #require(session.server.windows.first { $0.appID == "handshake" })
            #expect(shown.mapped)
            #expect([shown.x, shown.y] == [32, 32])
            #expect(shown.activated, "the window mapped last is the active one")
            #expect(window.configures.last?.states.contains(XDG_TOPLEVEL_STATE_ACTIVATED.rawValue) == true,
                    "the client was not told it is activated: \(window.configures.map(\.states))")
            session.repaint()
            #expect(session.pixel(32 + 19, 32 + 9) == 0x12_3456)
        }

        /// A buffer before the first configure was acked — whether or not one was sent yet.
        @Test(arguments: [false, true])
        func aBufferBeforeAckConfigureIsAnUnconfiguredBuffer(afterInitialCommit: Bool) throws {
            let session = try Session()
            let client = try session.connect()
            let window = afterInitialCommit ? try session.configuredWindow(client, appID: "eager", ack: false)
                                            : try Toplevel(client, appID: "eager")
            let file = try PoolFile(size: 8 * 8 * 4)
            client.show(try client.buffer(try client.pool(file), width: 8, height: 8), on: window.surface,
                        width: 8, height: 8)
            try session.expectProtocolError(client, interface: "xdg_surface",
                                            code: XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER.rawValue,
                                            message: "buffer attached before the first configure was acked")
            #expect(session.position(of: "eager") == nil)
        }

        @Test func ackingASerialNeverSentIsAnInvalidSerial() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "liar", ack: false)
            let sent = try #require(window.serials.last)
            xdg_surface_ack_configure(window.xdgSurface, sent &+ 1000)
            try session.expectProtocolError(client, interface: "xdg_surface",
                                            code: XDG_SURFACE_ERROR_INVALID_SERIAL.rawValue,
                                            message: "ack_configure with serial \(sent &+ 1000), which Seawall never sent or was already acked")
        }

        /// A client behind a flood of configures may ack one older than the 64 serials Seawall remembers
        /// one by one: still valid (ConfigureSerials); a serial newer than any sent still is not.
        @Test func anAckOfAConfigureOlderThanThoseKeptIsValid() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "behind", ack: false)
            for i in 0..<100 {
                if i % 2 == 0 { xdg_toplevel_set_maximized(window.toplevel) } else { xdg_toplevel_unset_maximized(window.toplevel) }
            }
            try #require(client.link.roundtrip())
            #expect(window.serials.count == 101)
            xdg_surface_ack_configure(window.xdgSurface, window.serials[3])   // forgotten one by one, still valid
            try #require(client.link.roundtrip())
            xdg_surface_ack_configure(window.xdgSurface, window.serials[2])   // older than one acked: refused
            try session.expectProtocolError(client, interface: "xdg_surface",
                                            code: XDG_SURFACE_ERROR_INVALID_SERIAL.rawValue,
                                            message: "ack_configure with serial \(window.serials[2]), which Seawall never sent or was already acked")
        }

        @Test func committingAnXdgSurfaceWithoutARoleIsNotConstructed() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            _ = client.link.track(xdg_wm_base_get_xdg_surface(try client.wmBase(), surface))
            wl_surface_commit(surface)
            try session.expectProtocolError(client, interface: "xdg_surface",
                                            code: XDG_SURFACE_ERROR_NOT_CONSTRUCTED.rawValue,
                                            message: "commit on an xdg_surface with no role object (get_toplevel first)")
        }
    }

    /// Clients that go away without cleaning up.
    @Suite struct Lifetime {
        /// A client that vanishes with a window up, pools (one shown, one never used), and a frame callback
        /// pending leaves nothing in the server: its pool fds closed and unmapped at once, its window gone.
        @Test func aClientThatDisconnectsMidwayLeavesNothingBehind() throws {
            let session = try Session()
            let client = try session.connect()
            let (window, file, _) = try session.showWindow(client, appID: "leaver", width: 24, height: 24, color: 0xAB_CDEF)
            let spare = try PoolFile(size: 1 << 20)
            _ = try client.pool(spare)
            session.repaint()
            #expect(session.pixel(32 + 12, 32 + 12) == 0xAB_CDEF)
            let pending = try client.frame(window.surface)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(!pending.done)

            // The client's two memfds are open and mapped here once each; the server holds its own of both.
            let held = ProcessResources.count(marker: PoolFile.marker)
            #expect(held.markedFDs == 4, "\(held)")
            #expect(held.markedMappings == 4, "\(held)")

            client.link.disconnect()
            session.server.display.dispatch(timeoutMilliseconds: 0)
            #expect(session.server.clientCount == 0)
            let left = withExtendedLifetime((file, spare)) { ProcessResources.count(marker: PoolFile.marker) }
            #expect(left.markedFDs == 2, "the server still holds pool fds: \(left)")
            #expect(left.markedMappings == 2, "the server still maps pools: \(left)")
            #expect(session.server.windows.isEmpty)
            session.repaint()
            #expect(session.pixel(32 + 12, 32 + 12) == Session.background)
            try session.expectStillServing()
        }
    }
}
