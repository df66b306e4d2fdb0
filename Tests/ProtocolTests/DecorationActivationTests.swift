import CClientShims
import CProtocolsClient
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

/// What a client hears from zxdg_toplevel_decoration_v1 and xdg_activation_token_v1.
final class DecorationRecord {
    var modes: [UInt32] = []
    nonisolated(unsafe) static let listener = listenerTable(zxdg_toplevel_decoration_v1_listener(
        configure: { data, _, mode in
            guard let data else { return }
            Unmanaged<DecorationRecord>.fromOpaque(data).takeUnretainedValue().modes.append(mode)
        }))
}

final class TokenRecord {
    var tokens: [String] = []
    nonisolated(unsafe) static let listener = listenerTable(xdg_activation_token_v1_listener(
        done: { data, _, token in
            guard let data, let token else { return }
            Unmanaged<TokenRecord>.fromOpaque(data).takeUnretainedValue().tokens.append(String(cString: token))
        }))
}

extension TestClient {
    /// A zxdg_toplevel_decoration_v1 for `toplevel`, listened to.
    func decoration(for toplevel: Toplevel) throws -> (OpaquePointer, DecorationRecord) {
        let manager = try bind("zxdg_decoration_manager_v1", version: 1)
        let decoration = try #require(link.track(zxdg_decoration_manager_v1_get_toplevel_decoration(manager, toplevel.toplevel)))
        let record = DecorationRecord()
        keep(record)
        zxdg_toplevel_decoration_v1_add_listener(decoration, DecorationRecord.listener, Unmanaged.passUnretained(record).toOpaque())
        return (decoration, record)
    }

    /// An xdg_activation_token_v1 (from a new xdg_activation_v1), listened to; nothing set yet.
    func activationToken() throws -> (activation: OpaquePointer, token: OpaquePointer, TokenRecord) {
        let activation = try bind("xdg_activation_v1", version: 1)
        let token = try #require(link.track(xdg_activation_v1_get_activation_token(activation)))
        let record = TokenRecord()
        keep(record)
        xdg_activation_token_v1_add_listener(token, TokenRecord.listener, Unmanaged.passUnretained(record).toOpaque())
        return (activation, token, record)
    }
}

extension ProtocolTests {
    @Suite struct DecorationAndActivation {
        static let clientSide = ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE.rawValue

        @Test func bothGlobalsAreOfferedAtVersion1() throws {
            let session = try Session()
            let client = try session.connect()
            #expect(client.globals["zxdg_decoration_manager_v1"]?.version == 1)
            #expect(client.globals["xdg_activation_v1"]?.version == 1)
        }

        @Test("every decoration request is answered client_side, followed by an xdg_surface.configure once the first is out")
        func decorationsAreAlwaysClientSide() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "decorated")
            let (decoration, record) = try client.decoration(for: window)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(record.modes == [Self.clientSide])
            #expect(window.serials.count == 1)
            zxdg_toplevel_decoration_v1_set_mode(decoration, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE.rawValue)
            zxdg_toplevel_decoration_v1_unset_mode(decoration)
            zxdg_toplevel_decoration_v1_set_mode(decoration, 77)   // no such mode: still client_side, no error
            try #require(client.link.roundtrip())
            #expect(record.modes == Array(repeating: Self.clientSide, count: 4))
            #expect(window.serials.count == 4)
            #expect(client.link.errorNumber == 0)
        }

        @Test func aSecondDecorationIsAlreadyConstructed() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "twice")
            _ = try client.decoration(for: window)
            _ = try client.decoration(for: window)
            try session.expectProtocolError(client, interface: "zxdg_toplevel_decoration_v1", code: 1,
                message: "get_toplevel_decoration: this xdg_toplevel already has a zxdg_toplevel_decoration_v1")
        }

        @Test func aDecorationAfterABufferIsUnconfiguredBuffer() throws {
            let session = try Session()
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "late", color: 0x112233)
            _ = try client.decoration(for: window)
            try session.expectProtocolError(client, interface: "zxdg_toplevel_decoration_v1", code: 0,
                message: "get_toplevel_decoration after the toplevel's surface got a buffer; ask before the first attach")
        }

        @Test func destroyingTheToplevelFirstIsOrphaned() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "orphan")
            _ = try client.decoration(for: window)
            client.link.forget(window.toplevel)
            xdg_toplevel_destroy(window.toplevel)
            try session.expectProtocolError(client, interface: "zxdg_toplevel_decoration_v1", code: 2,
                message: "xdg_toplevel destroyed before its zxdg_toplevel_decoration_v1; destroy the decoration first")
        }

        @Test func destroyingTheDecorationFirstIsFine() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "tidy")
            let (decoration, _) = try client.decoration(for: window)
            client.link.forget(decoration)
            zxdg_toplevel_decoration_v1_destroy(decoration)
            client.link.forget(window.toplevel)
            xdg_toplevel_destroy(window.toplevel)
            try #require(client.link.roundtrip())
            #expect(client.link.errorNumber == 0)
        }

        @Test("commit answers done with 32 hex digits, new each time; a second commit is already_used")
        func tokensAreRandomAndCommittedOnce() throws {
            let session = try Session()
            let client = try session.connect()
            let (_, first, firstRecord) = try client.activationToken()
            let (_, second, secondRecord) = try client.activationToken()
            xdg_activation_token_v1_set_app_id(first, "org.example.app")
            xdg_activation_token_v1_commit(first)
            xdg_activation_token_v1_commit(second)
            try #require(client.link.roundtrip())
            let a = try #require(firstRecord.tokens.first), b = try #require(secondRecord.tokens.first)
            #expect(a.count == 32 && a.allSatisfy(\.isHexDigit))
            #expect(a != b)
            xdg_activation_token_v1_commit(first)
            try session.expectProtocolError(client, interface: "xdg_activation_token_v1", code: 0,
                message: "xdg_activation_token_v1.commit: the token was already committed; make a new one")
        }

        /// Windows "a" (client A, clicked) and "b" (client B); A's token from the click's serial.
        static func clickedToken(_ session: Session, serial: Bool = true) throws -> (TestClient, Toplevel, TestClient, Toplevel, String) {
            session.server.seat.addPointer()
            let clientA = try session.connect(), clientB = try session.connect()
            let (a, _, _) = try session.showWindow(clientA, appID: "a", color: 0xAA0000)
            let (b, _, _) = try session.showWindow(clientB, appID: "b", color: 0x00BB00)
            let origin = try #require(session.position(of: "a"))
            session.server.seat.movePointer(toX: Double(origin.x) + 2, y: Double(origin.y) + 2)
            session.server.seat.pointerButton(0x110, pressed: true)
            // The press's serial, as client A's wl_pointer.button would carry it: the last one handed out.
            let press = session.server.compositor.nextSerial() &- 1
            session.server.seat.pointerButton(0x110, pressed: false)
            #expect(session.server.windows.first { $0.appID == "a" }?.activated == true)
            let (_, token, record) = try clientA.activationToken()
            if serial { xdg_activation_token_v1_set_serial(token, press, try clientA.bind("wl_seat", version: 1)) }
            xdg_activation_token_v1_set_surface(token, a.surface)
            xdg_activation_token_v1_commit(token)
            try #require(clientA.link.roundtrip())
            return (clientA, a, clientB, b, try #require(record.tokens.first))
        }

        @Test func aTokenFromAClickActivatesAnotherClientsWindowOnce() throws {
            let session = try Session()
            let (clientA, _, clientB, b, token) = try Self.clickedToken(session)
            let activation = try clientB.bind("xdg_activation_v1", version: 1)
            xdg_activation_v1_activate(activation, token, b.surface)
            try #require(clientB.link.roundtrip())
            #expect(session.server.windows.first { $0.appID == "b" }?.activated == true)
            #expect(b.configures.last?.states.contains(XDG_TOPLEVEL_STATE_ACTIVATED.rawValue) == true)
            #expect(session.server.compositor.keyboardFocus === session.server.windows.first { $0.appID == "b" }?.surface)

            // Used once: A's window, clicked again, keeps the focus against the same token.
            let origin = try #require(session.position(of: "a"))
            session.server.seat.movePointer(toX: Double(origin.x) + 2, y: Double(origin.y) + 2)
            session.server.seat.pointerButton(0x110, pressed: true)
            session.server.seat.pointerButton(0x110, pressed: false)
            xdg_activation_v1_activate(activation, token, b.surface)
            try #require(clientB.link.roundtrip())
            #expect(session.server.windows.first { $0.appID == "a" }?.activated == true)
            #expect(clientA.link.errorNumber == 0 && clientB.link.errorNumber == 0)
        }

        @Test func aTokenWithoutASerialOrAMadeUpOneStealsNoFocus() throws {
            let session = try Session()
            let (_, _, clientB, b, token) = try Self.clickedToken(session, serial: false)
            let activation = try clientB.bind("xdg_activation_v1", version: 1)
            xdg_activation_v1_activate(activation, token, b.surface)
            xdg_activation_v1_activate(activation, "0123456789abcdef0123456789abcdef", b.surface)
            xdg_activation_v1_activate(activation, "", b.surface)
            try #require(clientB.link.roundtrip())
            #expect(session.server.windows.first { $0.appID == "a" }?.activated == true)
            #expect(clientB.link.errorNumber == 0)
        }
    }
}
