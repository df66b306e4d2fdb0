import ClientMemory
import Compositor
import CServerShims
import CWaylandServer
import Glibc

/// Connected clients and what each holds (pools, pool bytes, surfaces, copies), for the per-client limits.
/// An entry lives from connection to disconnection; pools and surfaces that outlive it keep their account.
final class ClientAccounts {
    private var accounts: [OpaquePointer: ClientAccount] = [:]
    private(set) var count = 0

    func connected(_ client: OpaquePointer) {
        count += 1
        accounts[client] = ClientAccount()
    }

    func disconnected(_ client: OpaquePointer) {
        count -= 1
        accounts[client] = nil
    }

    /// Whether `client` is connected now.
    func isConnected(_ client: OpaquePointer) -> Bool { accounts[client] != nil }

    /// What `client` holds.
    func account(for client: OpaquePointer) -> ClientAccount {
        if let account = accounts[client] { return account }
        let account = ClientAccount()
        accounts[client] = account
        return account
    }
}

extension ClientID {
    /// The compositor's name for a wl_client.
    init(_ client: OpaquePointer?) { self.init(Int(bitPattern: client)) }
}

extension Server {
    /// Clients connected now.
    public var clientCount: Int { clients.count }

    /// How many bytes Seawall has written to `client`'s socket that the client has not read yet (SIOCOUTQ:
    /// on a Unix stream socket, data stays charged to the sender until the peer reads it), or nil for a
    /// client that is gone. Events libwayland still buffers count only once flushed (`display.flush()`).
    public func unreadBytes(of client: ClientID) -> Int? {
        let pointer = OpaquePointer(bitPattern: client.rawValue)
        guard let pointer, clients.isConnected(pointer) else { return nil }
        var queued: Int32 = 0
        guard ioctl(wl_client_get_fd(pointer), UInt(TIOCOUTQ), &queued) == 0 else { return nil }
        return Int(queued)
    }

    /// Whether `client`'s peer has hung up (its process died or closed the socket) while libwayland has not
    /// yet destroyed it (`sw_client_hung_up`: `poll(2)` with no wait for POLLHUP / POLLRDHUP / POLLERR). The event
    /// loop destroys such a client at its next turn.
    public func hasHungUp(_ client: ClientID) -> Bool {
        let pointer = OpaquePointer(bitPattern: client.rawValue)
        guard let pointer, clients.isConnected(pointer) else { return false }
        return sw_client_hung_up(pointer) != 0
    }

    /// Counts clients in and out, and logs who connected.
    func trackClients() {
        let counter: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { client, data in
            guard let client, let data else { return }
            let server = Unmanaged<Server>.fromOpaque(data).takeUnretainedValue()
            server.clients.connected(client)
            server.log.info("client connected: \(server.describe(client: client))")
            let entry = ClientEntry(server: server, client: client)
            sw_client_add_destroy_callback(client, { data in
                guard let data else { return }
                let entry = Unmanaged<ClientEntry>.fromOpaque(data).takeRetainedValue()
                entry.server.clients.disconnected(entry.client)
                entry.server.compositor.keyboardsGone(of: ClientID(entry.client))
            }, Unmanaged.passRetained(entry).toOpaque())
        }
        // The display (and with it this listener) dies in `deinit` before the server's memory does.
        sw_display_add_client_created_callback(display.pointer, counter, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Serves a client on a connected socket (tests, conformance harnesses). Seawall owns `fd`.
    @discardableResult
    public func addClient(fd: Int32) -> Bool { display.addClient(fd: fd) != nil }

    /// Serves a client on a connected socket and returns its wl_client (conformance harnesses keep it).
    public func createClient(fd: Int32) -> OpaquePointer? { display.addClient(fd: fd) }

    /// Whether events to `client` pile up faster than it reads them: more than half its socket's send buffer
    /// (SO_SNDBUF) is unread (SIOCOUTQ). A server that kept writing would fill the buffer and libwayland would
    /// then disconnect the client, so input injected by another client stops first. (Not flushed here: what
    /// libwayland still buffers is at most 4 KiB, and flushing per event would cost a socket buffer per event.)
    func isBacklogged(_ client: ClientID) -> Bool {
        guard let pointer = OpaquePointer(bitPattern: client.rawValue), clients.isConnected(pointer) else { return false }
        var buffer: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(wl_client_get_fd(pointer), SOL_SOCKET, SO_SNDBUF, &buffer, &length) == 0 else { return false }
        return (unreadBytes(of: client) ?? 0) > Int(buffer) / 2
    }

    /// `wl_display.error.invalid_method` for `client`: a request whose arguments make no sense (a key state
    /// that is neither pressed nor released, a keymap that is not one). `message` names the request.
    func postInvalidRequest(client: OpaquePointer, _ message: String) {
        log.notice("invalid request from \(describe(client: client)): \(message)")
        guard let display = wl_client_get_object(client, 1) else { return sw_client_post_implementation_error(client, message) }
        Resource.postError(display, code: WL_DISPLAY_ERROR_INVALID_METHOD.rawValue, message)
    }

    /// What `client` holds, for the limits.
    func account(for client: OpaquePointer) -> ClientAccount { clients.account(for: client) }

    /// `wl_client_post_implementation_error`: for requests Seawall cannot honour although they are valid.
    func postImplementationError(client: OpaquePointer, _ message: String) {
        log.notice("implementation error for \(describe(client: client)): \(message)")
        sw_client_post_implementation_error(client, message)
    }

    /// "pid 1234 (weston-simple-s)": who a client is, for log lines.
    public func describe(client: OpaquePointer) -> String {
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        wl_client_get_credentials(client, &pid, &uid, &gid)
        guard pid > 0 else { return "client" }
        var name = ""
        if let file = fopen("/proc/\(pid)/comm", "r") {
            var buffer = [CChar](repeating: 0, count: 64)
            if fgets(&buffer, 64, file) != nil { name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingCharacters(in: "\n") }
            fclose(file)
        }
        return name.isEmpty ? "pid \(pid)" : "pid \(pid) (\(name))"
    }
}

/// A connected client, as the destroy callback needs to find it.
private final class ClientEntry {
    unowned(unsafe) let server: Server   // see Server.deinit
    let client: OpaquePointer
    init(server: Server, client: OpaquePointer) { self.server = server; self.client = client }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let last = s.last, set.contains(last) { s.removeLast() }
        return s
    }
}

extension Server {
    /// A pool was refused: log why and which policy would accept it, then tell `onPoolRefused`.
    func poolRefused(client: OpaquePointer, error: PoolError) {
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        wl_client_get_credentials(client, &pid, &uid, &gid)
        let remedy = error.acceptingPolicy.flatMap { $0 == configuration.shmPolicy ? nil : $0 }
        let refusal = PoolRefusal(client: describe(client: client), pid: pid, reason: error.description,
                                  acceptingPolicy: remedy)
        log.notice("refused a pool from \(refusal.client): \(error)\(remedy.map { " (--shm-policy \($0) would accept it)" } ?? "")")
        onPoolRefused?(refusal)
    }
}

/// A refused wl_shm pool, as `Server.onPoolRefused` reports it.
public struct PoolRefusal: Sendable {
    /// "pid 123 (name)", or "client".
    public let client: String
    /// The client's pid (0 if unknown).
    public let pid: pid_t
    /// The message posted to the client.
    public let reason: String
    /// The --shm-policy that would have accepted this pool, if another one would.
    public let acceptingPolicy: ShmPolicy?
}
