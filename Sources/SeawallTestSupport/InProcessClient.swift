import CClientShims
import CWaylandClient
import DemoClientKit
import Glibc
import WaylandServer

/// A libwayland client in this very process, connected to an in-process `Server` over a socketpair — the
/// way libwayland's own tests run both ends. Nothing here blocks: one thread drives both sides in turns
/// (`exchange`), so a test is deterministic without threads, sleeps or child processes.
///
/// Proxies the test creates are handed to `track`; `disconnect` destroys what is left of them on the client
/// side and closes the connection.
public final class InProcessClient {
    public let display: OpaquePointer
    private unowned let server: Server
    private var proxies: [OpaquePointer] = []
    public private(set) var isConnected = true

    public struct ConnectionFailure: Error, CustomStringConvertible { public let description: String }

    /// `socketpair`; one end to the server (`Server.addClient(fd:)`, which owns it from then on), the other
    /// to `wl_display_connect_to_fd`. The current `ResourceScope` watches both sockets.
    public init(server: Server) throws(ConnectionFailure) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw ConnectionFailure(description: "socketpair: \(String(cString: strerror(errno)))")
        }
        ResourceScope.current?.watchSocket(pair[0])
        ResourceScope.current?.watchSocket(pair[1])
        guard server.addClient(fd: pair[0]) else {
            close(pair[0]); close(pair[1])
            throw ConnectionFailure(description: "wl_client_create failed")
        }
        guard let display = wl_display_connect_to_fd(pair[1]) else {
            close(pair[1])
            throw ConnectionFailure(description: "wl_display_connect_to_fd failed")
        }
        // Protocol errors reach a client only as a log line: keep it (quietly) for `protocolError`.
        sw_client_capture_log(1)
        self.display = display
        self.server = server
    }

    deinit { disconnect() }

    // MARK: Driving both ends

    /// One turn of both ends: the client sends what it queued, the server reads, handles and answers
    /// (`Display.dispatch` with no wait), the client reads and dispatches what arrived.
    public func exchange() {
        guard isConnected else { return }
        wl_display_flush(display)
        server.display.dispatch(timeoutMilliseconds: 0)
        dispatchArrived()
    }

    /// Reads what the server sent, without waiting, and dispatches it (prepare_read / poll / read_events).
    public func dispatchArrived() {
        guard isConnected else { return }
        while wl_display_prepare_read(display) != 0 {
            if wl_display_dispatch_pending(display) < 0 { return }
        }
        var descriptor = pollfd(fd: wl_display_get_fd(display), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) > 0 {
            wl_display_read_events(display)
        } else {
            wl_display_cancel_read(display)
        }
        wl_display_dispatch_pending(display)
    }

    /// `wl_display.sync`, then turns until its `done` arrived: the server has handled every request sent
    /// before, and the client has dispatched every event they caused. False when the connection failed first.
    @discardableResult
    public func roundtrip() -> Bool {
        guard isConnected, let callback = wl_display_sync(display) else { return false }
        let sync = CallbackRecord()
        sync.listen(to: callback)
        // A sync needs one turn; the bound only stops a test that would otherwise spin.
        for _ in 0..<64 where !sync.done && wl_display_get_error(display) == 0 { exchange() }
        if !sync.done { wl_callback_destroy(callback) }
        return sync.done
    }

    // MARK: Objects

    /// Keeps `proxy` until `disconnect` (or `forget`), which destroys it on the client side.
    @discardableResult
    public func track(_ proxy: OpaquePointer?) -> OpaquePointer? {
        if let proxy { proxies.append(proxy) }
        return proxy
    }

    /// The test destroyed `proxy` itself (with its destructor request).
    public func forget(_ proxy: OpaquePointer) {
        proxies.removeAll { $0 == proxy }
    }

    /// Destroys the remaining proxies (client side only: `wl_proxy_destroy`) and closes the connection
    /// (`wl_display_disconnect`); the server notices at its next dispatch.
    public func disconnect() {
        guard isConnected else { return }
        for proxy in proxies.reversed() { wl_proxy_destroy(proxy) }
        proxies = []
        wl_display_disconnect(display)
        isConnected = false
    }

    // MARK: Errors

    /// A protocol error as the client saw it: `wl_display_get_protocol_error` and the message libwayland
    /// logged ("interface@id: error code: message").
    public struct ProtocolError: Equatable, CustomStringConvertible {
        public var interface: String
        public var objectID: UInt32
        public var code: UInt32
        public var message: String
        public var description: String { "\(interface)@\(objectID): error \(code): \(message)" }
    }

    /// The connection's fatal error (`wl_display_get_error`), 0 while it is intact.
    public var errorNumber: Int32 { isConnected ? wl_display_get_error(display) : 0 }

    /// The protocol error that ended this connection, if that is what ended it.
    public var protocolError: ProtocolError? {
        guard errorNumber == EPROTO else { return nil }
        var interface: UnsafePointer<wl_interface>?
        var id: UInt32 = 0
        let code = wl_display_get_protocol_error(display, &interface, &id)
        let name = interface.flatMap { $0.pointee.name.map { String(cString: $0) } } ?? "?"
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = sw_client_last_log(&buffer, buffer.count)
        var line = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if line.hasSuffix("\n") { line.removeLast() }
        // The process keeps one last line for every client: only a line about this error is its message.
        let prefix = "\(name)@\(id): error \(code): "
        let message = line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : "(another log line: \(line))"
        return ProtocolError(interface: name, objectID: id, code: code, message: message)
    }
}

/// What `wl_callback.done` events a callback got (its data argument each time). A callback fires once and
/// is then destroyed here, so `times` holds at most one value per callback listened to.
public final class CallbackRecord {
    public private(set) var times: [UInt32] = []
    public init() {}
    public var done: Bool { !times.isEmpty }

    /// Listens to `callback` (`wl_callback_add_listener`). The listener holds the record until `done`
    /// arrives, so a test may drop it; one whose callback never fires (its client went first) is never freed.
    public func listen(to callback: OpaquePointer) {
        wl_callback_add_listener(callback, CallbackRecord.listener, Unmanaged.passRetained(self).toOpaque())
    }

    nonisolated(unsafe) static let listener = listenerTable(wl_callback_listener(
        done: { data, callback, time in
            if let callback { wl_callback_destroy(callback) }
            guard let data else { return }
            Unmanaged<CallbackRecord>.fromOpaque(data).takeRetainedValue().times.append(time)
        }))
}
