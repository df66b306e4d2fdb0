import Compositor
import CProtocolsServer
import CWaylandServer

/// A ping Seawall is waiting on: which client, which xdg_wm_base it went out on, and its serial.
public struct PingToken: Hashable, Sendable {
    let serial: UInt32
    let base: ObjectIdentifier
}

/// The xdg_wm_base objects clients have bound, and the pings sent on them that have not been answered.
/// A pong counts only on the object its ping went out on and with that ping's serial: a pong with any
/// other serial (a guess, a stale one, another client's) is ignored.
final class ShellPings {
    /// Each client's live xdg_wm_base objects (a client may bind it any number of times: sets keep binding
    /// and destroying each one O(1)).
    private var bases: [OpaquePointer: [ObjectIdentifier: XdgWmBase]] = [:]
    private var pending: [PingToken: () -> Void] = [:]

    func bound(_ base: XdgWmBase) {
        guard let client = wl_resource_get_client(base.resource) else { return }
        bases[client, default: [:]][ObjectIdentifier(base)] = base
    }

    /// The object is gone: its pings can no longer be answered and are forgotten.
    func destroyed(_ base: XdgWmBase) {
        let id = ObjectIdentifier(base)
        if let client = wl_resource_get_client(base.resource) {
            bases[client]?[id] = nil
            if bases[client]?.isEmpty == true { bases[client] = nil }
        }
        guard !pending.isEmpty else { return }
        for token in pending.keys where token.base == id { pending[token] = nil }
    }

    /// One of the client's live xdg_wm_base objects.
    func base(of client: OpaquePointer) -> XdgWmBase? { bases[client]?.values.first }

    func add(_ token: PingToken, _ answered: @escaping () -> Void) { pending[token] = answered }

    func cancel(_ token: PingToken) { pending[token] = nil }

    func isPending(_ token: PingToken) -> Bool { pending[token] != nil }

    /// xdg_wm_base.pong(serial) on `base`: runs and forgets the matching ping's callback, if any.
    func pong(_ base: XdgWmBase, serial: UInt32) {
        let token = PingToken(serial: serial, base: ObjectIdentifier(base))
        guard let answered = pending.removeValue(forKey: token) else { return }
        answered()
    }
}

/// Who a client is, for replies: its process id and its mapped windows' app_ids and titles.
public struct ClientDescription: Sendable {
    public let pid: Int32
    public let windows: [(appID: String?, title: String?)]
}

extension Server {
    /// A roundtrip with `client`: `xdg_wm_base.ping` with a fresh serial on the client's xdg_wm_base;
    /// `answered` runs once, from the event loop, when the client pongs it. A client handles events in the
    /// order they were sent, so its pong proves it has handled every event sent before the ping. Returns
    /// nil (and sends nothing) when the client is gone or has bound no xdg_wm_base; then a roundtrip is
    /// impossible. The ping is only queued: `display.flush()` sends it.
    public func ping(_ client: ClientID, answered: @escaping () -> Void) -> PingToken? {
        guard let pointer = OpaquePointer(bitPattern: client.rawValue), clients.isConnected(pointer),
              let base = shellPings.base(of: pointer) else { return nil }
        let serial = nextSerial()
        let token = PingToken(serial: serial, base: ObjectIdentifier(base))
        shellPings.add(token, answered)
        xdg_wm_base_send_ping(base.resource, serial)
        return token
    }

    /// Stops waiting for a ping's pong (a late pong is then ignored).
    public func cancelPing(_ token: PingToken) { shellPings.cancel(token) }

    /// Whether a ping can still be answered: not yet ponged, and its xdg_wm_base (and client) still there.
    public func isWaiting(for token: PingToken) -> Bool { shellPings.isPending(token) }

    /// Whether `client` is connected now.
    public func isConnected(_ client: ClientID) -> Bool {
        guard let pointer = OpaquePointer(bitPattern: client.rawValue) else { return false }
        return clients.isConnected(pointer)
    }

    /// The client's process id (SO_PEERCRED; 0 if unknown or gone) and its mapped windows.
    public func describe(_ client: ClientID) -> ClientDescription {
        var pid: pid_t = 0
        if let pointer = OpaquePointer(bitPattern: client.rawValue), clients.isConnected(pointer) {
            var uid: uid_t = 0, gid: gid_t = 0
            wl_client_get_credentials(pointer, &pid, &uid, &gid)
        }
        let windows = windows.filter { $0.mapped && $0.surface.client == client }.map { (appID: $0.appID, title: $0.title) }
        return ClientDescription(pid: pid, windows: windows)
    }
}
