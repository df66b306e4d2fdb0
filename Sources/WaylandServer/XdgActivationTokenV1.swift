import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_activation_token_v1: a token being made. set_serial, set_app_id and set_surface describe it; commit
/// answers `done` with a fresh random token (128 bits from the kernel's CSPRNG — getrandom, through SystemRandomNumberGenerator — as 32 hex digits) that the compositor
/// records (Compositor/Activation.swift decides whether it can ever activate). After commit the object is
/// used up: any further request but destroy is the `already_used` error.
final class XdgActivationTokenV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer
    private let client: OpaquePointer
    private let account: ClientAccount
    private var serial: UInt32?
    private var appID: String?
    private var committed = false

    /// The longest app_id kept (for the log; the rest is dropped).
    static let maxAppIDBytes = 255

    static let implementation = Implementation(xdg_activation_token_v1_interface(
        set_serial: { _, resource, serial, _ in
            guard let token = XdgActivationTokenV1.from(resource), token.usable("set_serial") else { return }
            token.serial = serial
        },
        set_app_id: { _, resource, appID in
            guard let token = XdgActivationTokenV1.from(resource), token.usable("set_app_id"), let appID else { return }
            token.appID = String(decoding: String(cString: appID).utf8.prefix(maxAppIDBytes), as: UTF8.self)
        },
        set_surface: { _, resource, _ in
            // The surface adds nothing to the decision: the serial already names the client and its focus.
            guard let token = XdgActivationTokenV1.from(resource) else { return }
            _ = token.usable("set_surface")
        },
        commit: { _, resource in XdgActivationTokenV1.from(resource)?.commit() },
        destroy: Resource.destroyRequest))

    static func create(server: Server, client: OpaquePointer, account: ClientAccount, version: Int32, id: UInt32) {
        guard makeResource(client: client, version: version, id: id, {
            XdgActivationTokenV1(server: server, resource: $0, client: client, account: account)
        }) != nil else { return }
        account.activationTokenObjects += 1
    }

    private init(server: Server, resource: OpaquePointer, client: OpaquePointer, account: ClientAccount) {
        self.server = server
        self.resource = resource
        self.client = client
        self.account = account
    }

    /// Whether the object still takes requests: after commit, `already_used`.
    private func usable(_ request: String) -> Bool {
        guard committed else { return true }
        Resource.postError(resource, code: XDG_ACTIVATION_TOKEN_V1_ERROR_ALREADY_USED.rawValue,
                           "xdg_activation_token_v1.\(request): the token was already committed; make a new one")
        return false
    }

    private func commit() {
        guard usable("commit") else { return }
        committed = true
        // SystemRandomNumberGenerator is the kernel's CSPRNG (getrandom on Linux), seeded or blocking.
        var random = SystemRandomNumberGenerator()
        let token = (0..<16).map { _ in
            let byte = UInt8.random(in: 0...255, using: &random)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
        let valid = server.compositor.issueActivationToken(token, client: ClientID(client), serial: serial)
        server.log.debug("xdg_activation_token_v1 for \(server.describe(client: client))\(appID.map { " (app_id \($0.debugDescription))" } ?? ""): \(valid ? "made from recent input" : "not made from recent input of the focused client; it will activate nothing")")
        xdg_activation_token_v1_send_done(resource, token)
        server.display.flush()
    }

    func resourceDestroyed() { account.activationTokenObjects -= 1 }
}
