import Glibc
import Logging
import SystemCalls
import WaylandServer

/// The control socket's transport: a Unix stream socket (mode 0600, only Seawall's own user may talk to it)
/// served from Seawall's event loop without threads. Each connection sends one JSON request per line and
/// gets one JSON reply per line, in order: while a request waits for its deferred answer (`wait`, `frame`),
/// the connection's later lines wait too.
///
/// Every way a client can misbehave costs it its connection and nothing else: a line longer than
/// `maxLineBytes` gets an error reply and the connection is closed; a client that does not read its replies
/// is dropped once `maxOutputBytes` are queued for it; connections beyond `maxConnections` get an error
/// reply and are closed; another user (SO_PEERCRED) gets an error reply and is closed. Nothing is ever
/// written with SIGPIPE (MSG_NOSIGNAL) or blocking (O_NONBLOCK).
public final class ControlSocket {
    public struct Limits: Sendable {
        /// The longest request line, newline excluded.
        public var maxLineBytes = 64 << 10
        /// Replies queued for a client that does not read them before it is dropped.
        public var maxOutputBytes = 4 << 20
        /// Connections served at once.
        public var maxConnections = 16
        public init() {}
    }

    public let path: String
    public let limits: Limits
    private let display: Display
    private let router: ControlRouter
    private let log: Logger
    private let listener: OwnedFD
    /// The bound socket file's inode: the file is removed at the end only if it is still ours.
    private let inode: UInt64
    private var listenWatch: FDWatch?
    /// Re-enables accepting after the process ran out of fds.
    private var acceptRetry: LoopTimer?
    private var connections: [ObjectIdentifier: ControlConnection] = [:]

    /// Connections open now.
    public var connectionCount: Int { connections.count }

    /// Listens on `path` (`socket`, `bind`, `chmod` 0600, `listen`: no one can connect before the mode is
    /// set). A stale socket file there (nobody listening) is replaced; anything else at `path` is an error.
    public init(path: String, display: Display, router: ControlRouter, log: Logger, limits: Limits = Limits()) throws(ControlError) {
        self.path = path
        self.display = display
        self.router = router
        self.log = log
        self.limits = limits
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ControlError("control socket path \(path) is longer than the \(MemoryLayout.size(ofValue: address.sun_path) - 1) bytes a Unix socket allows")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        try ControlSocket.removeStale(path)
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard raw >= 0 else { throw ControlError("cannot make the control socket: \(SystemError("socket").brief)") }
        let fd = OwnedFD(taking: raw)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd.rawValue, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw ControlError("cannot bind the control socket \(path): \(SystemError("bind").brief)") }
        var info = stat()
        guard chmod(path, 0o600) == 0, stat(path, &info) == 0 else {
            let error = SystemError("chmod")
            unlink(path)
            throw ControlError("cannot make the control socket \(path) private: \(error.brief)")
        }
        guard Glibc.listen(fd.rawValue, 16) == 0 else {
            let error = SystemError("listen")
            unlink(path)
            throw ControlError("cannot listen on the control socket \(path): \(error.brief)")
        }
        inode = UInt64(info.st_ino)
        listener = consume fd
        listenWatch = display.watch(listener.rawValue, for: .readable) { [unowned self] _ in self.acceptAll() }
        acceptRetry = display.makeTimer { [unowned self] in self.listenWatch?.update(.readable) }
        guard listenWatch != nil, acceptRetry != nil else {
            unlink(path)
            throw ControlError("cannot watch the control socket (out of file descriptors)")
        }
    }

    deinit {
        for connection in connections.values { connection.shutDown() }
        listenWatch?.remove()
        var info = stat()
        if stat(path, &info) == 0, UInt64(info.st_ino) == inode { unlink(path) }
    }

    /// A socket file left at `path` by a Seawall that is gone is removed; a live one, or another kind of
    /// file, is an error.
    static func removeStale(_ path: String) throws(ControlError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlError("\(path) exists and is not a socket: remove it or pick another socket name")
        }
        if ControlClient.listening(at: path) {
            throw ControlError("control socket \(path) is in use by another Seawall")
        }
        unlink(path)
    }

    // MARK: Accepting

    private func acceptAll() {
        while true {
            // accept4 is not imported from glibc; nothing forks between these calls (no threads, no exec).
            let raw = accept(listener.rawValue, nil, nil)
            if raw < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // The pending connection stays in the backlog and the socket readable: look again later
                    // rather than spinning.
                    log.warning("control socket: cannot accept: \(SystemError("accept").brief); retrying in 100 ms")
                    listenWatch?.update([])
                    acceptRetry?.arm(milliseconds: 100)
                default: break
                }
                return
            }
            let fd = OwnedFD(taking: raw)
            guard fcntl(fd.rawValue, F_SETFD, FD_CLOEXEC) == 0,
                  fcntl(fd.rawValue, F_SETFL, fcntl(fd.rawValue, F_GETFL) | O_NONBLOCK) == 0 else { continue }
            admit(fd)
        }
    }

    private func admit(_ fd: consuming OwnedFD) {
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd.rawValue, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            log.notice("control socket: refused a connection whose credentials cannot be read: \(SystemError("getsockopt(SO_PEERCRED)").brief)")
            return
        }
        if credentials.uid != geteuid() {
            log.notice("control socket: refused pid \(credentials.pid): uid \(credentials.uid) is not Seawall's uid \(geteuid())")
            ControlSocket.refuse(fd.rawValue, "permission denied: this Seawall's control socket serves only uid \(geteuid()), not uid \(credentials.uid)")
            return
        }
        if connections.count >= limits.maxConnections {
            log.notice("control socket: refused pid \(credentials.pid): already \(connections.count) connections")
            ControlSocket.refuse(fd.rawValue, "too many control connections (at most \(limits.maxConnections) at once)")
            return
        }
        let connection = ControlConnection(fd: fd, pid: credentials.pid, socket: self)
        guard connection.start(display: display) else {
            log.warning("control socket: cannot watch a new connection (out of file descriptors?)")
            return
        }
        connections[ObjectIdentifier(connection)] = connection
        log.debug("control socket: pid \(credentials.pid) connected")
    }

    /// One error line, written if the socket takes it at once; the caller closes the fd.
    static func refuse(_ fd: Int32, _ message: String) {
        let line = JSON.object([("ok", .bool(false)), ("error", .string(message))]).text + "\n"
        _ = line.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
    }

    // MARK: For connections

    func handle(line: ArraySlice<UInt8>, from connection: ControlConnection) -> ControlReply {
        var made: ControlReply?
        router.handle(line: line) { id in
            let reply = ControlReply(id: id) { [weak connection] json in connection?.answer(json) }
            made = reply
            return reply
        }
        guard let made else { preconditionFailure("ControlRouter.handle made no reply") }
        return made
    }

    func closed(_ connection: ControlConnection, reason: String?) {
        connections[ObjectIdentifier(connection)] = nil
        if let reason { log.notice("control socket: dropped pid \(connection.pid): \(reason)") }
    }
}

/// One client of the control socket: its fd, the bytes read but not handled yet, the replies not written
/// yet, and the request waiting for a deferred answer.
final class ControlConnection {
    private let fd: OwnedFD
    let pid: Int32
    private unowned let socket: ControlSocket
    private var watch: FDWatch?
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var written = 0
    /// The request being answered later; later lines wait for it.
    private var waiting: ControlReply?
    /// Inside the router: an answer given now must not start the next line from within the handler.
    private var handling = false
    /// The client closed its sending side: handle what is left, answer, then close.
    private var endOfInput = false
    /// Answer what is queued, then close (after a request that was too long).
    private var closing = false
    private var closed = false

    init(fd: consuming OwnedFD, pid: Int32, socket: ControlSocket) {
        self.fd = fd
        self.pid = pid
        self.socket = socket
    }

    func start(display: Display) -> Bool {
        watch = display.watch(fd.rawValue, for: .readable) { [unowned self] events in self.ready(events) }
        return watch != nil
    }

    private func ready(_ events: Display.FDEvents) {
        if closed { return }
        if events.contains(.error) { return close(reason: nil) }
        if events.contains(.readable) { receive() }
        if closed { return }
        if events.contains(.writable) { flush() }
        if closed { return }
        // A hang-up with nothing more to read: the client is gone both ways.
        if events.contains(.hangup) && !events.contains(.readable) { return close(reason: nil) }
        update()
    }

    /// Reads what the client sent (up to one line's limit ahead), then handles whole lines.
    private func receive() {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while !endOfInput && input.count <= socket.limits.maxLineBytes {
            let n = chunk.withUnsafeMutableBytes { recv(fd.rawValue, $0.baseAddress, $0.count, 0) }
            if n > 0 { input += chunk[0..<n]; continue }
            if n == 0 { endOfInput = true; break }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { break }
            return close(reason: nil)   // ECONNRESET and friends: nobody to answer
        }
        handleLines()
    }

    /// Handles complete lines in order until one waits for a deferred answer.
    private func handleLines() {
        while waiting == nil && !closing && !closed {
            let line: ArraySlice<UInt8>
            if let newline = input.firstIndex(of: 0x0A) {
                line = input[..<newline]
                if line.count > socket.limits.maxLineBytes { return tooLong() }
                input.removeSubrange(...newline)
            } else if input.count > socket.limits.maxLineBytes {
                return tooLong()
            } else if endOfInput && !input.isEmpty {
                line = input[...]   // a last line without its newline
                input = []
            } else {
                break
            }
            let text = line.last == 0x0D ? line.dropLast() : line
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }   // blank lines are ignored
            handling = true
            let reply = socket.handle(line: Array(text)[...], from: self)
            handling = false
            if closed { return }
            if reply.isPending { waiting = reply }
        }
        if endOfInput && waiting == nil && output.count == written && input.isEmpty { close(reason: nil) }
    }

    private func tooLong() {
        input = []
        answer(.object([("ok", .bool(false)),
                        ("error", .string("request line longer than \(socket.limits.maxLineBytes) bytes; closing the connection"))]))
        closing = true
        if output.count == written { close(reason: "a request line over \(socket.limits.maxLineBytes) bytes") }
    }

    /// Queues a reply line and writes what the socket takes now.
    func answer(_ json: JSON) {
        if closed { return }
        output += Array((json.text + "\n").utf8)
        if let reply = waiting, !reply.isPending { waiting = nil }
        flush()
        if closed { return }
        if output.count - written > socket.limits.maxOutputBytes {
            return close(reason: "more than \(socket.limits.maxOutputBytes) bytes of replies not read")
        }
        if !handling {
            // A deferred answer: the lines after it may go on now.
            handleLines()
            if !closed { update() }
        }
    }

    private func flush() {
        while written < output.count {
            let n = output.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return 0 }
                return send(fd.rawValue, base + written, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { written += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            return close(reason: nil)   // EPIPE: the client is gone
        }
        if written == output.count {
            output = []
            written = 0
            if closing { close(reason: "a request line over \(socket.limits.maxLineBytes) bytes") }
        } else if written > 64 << 10 {
            output.removeSubrange(..<written)
            written = 0
        }
    }

    /// Watches for what the connection can use now: more requests (unless one is waiting, the input is
    /// full, or the client stopped sending) and room for replies (while any are queued).
    private func update() {
        var events: Display.FDEvents = []
        if waiting == nil && !closing && !endOfInput && input.count <= socket.limits.maxLineBytes { events.insert(.readable) }
        if written < output.count { events.insert(.writable) }
        if events.isEmpty && endOfInput && waiting == nil { return close(reason: nil) }
        watch?.update(events)
    }

    private func close(reason: String?) {
        if closed { return }
        shutDown()
        socket.closed(self, reason: reason)
    }

    /// Stops watching and forgets the waiting request; the fd closes when the object goes.
    func shutDown() {
        closed = true
        watch?.remove()
        watch = nil
        let reply = waiting
        waiting = nil
        reply?.cancel()
    }
}
