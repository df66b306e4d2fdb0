import Glibc
import SystemCalls

/// The client side of the control socket (`seawall ctl`, tests): connect, send one request line, read one
/// reply line. Blocking, with an optional time limit on the reply.
public final class ControlClient {
    /// Why there is no reply: `seawall ctl` exits 2 for these.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    private let fd: OwnedFD
    private var buffer: [UInt8] = []
    /// The longest reply line read (a `windows` reply for many windows is long, but not this long).
    public static let maxReplyBytes = 64 << 20

    /// Connects to the control socket at `path`.
    public init(path: String) throws(Failure) {
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw Failure("socket: \(SystemError("socket").reason)") }
        fd = OwnedFD(taking: raw)
        guard ControlClient.connect(fd.rawValue, path) else {
            let code = errno
            let hint = code == ENOENT ? " (is Seawall running? it prints its control socket at start)"
                : code == ECONNREFUSED ? " (no Seawall is listening there any more)"
                : code == EACCES ? " (the socket belongs to another user)" : ""
            throw Failure("cannot connect to the control socket \(path): \(String(cString: strerror(code)))\(hint)")
        }
    }

    static func connect(_ fd: Int32, _ path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { errno = ENAMETOOLONG; return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        while true {
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if result == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Whether someone accepts connections at `path`.
    public static func listening(at path: String) -> Bool {
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { return false }
        let fd = OwnedFD(taking: raw)
        return connect(fd.rawValue, path)
    }

    /// Sends raw bytes (tests send malformed and huge lines this way).
    public func send(bytes: [UInt8]) throws(Failure) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd.rawValue, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw Failure("cannot send to the control socket: \(String(cString: strerror(errno)))")
        }
    }

    /// Sends one request line.
    public func send(_ request: JSON) throws(Failure) { try send(bytes: Array((request.text + "\n").utf8)) }

    /// Reads one reply line (waiting at most `timeout` seconds; nil waits as long as it takes).
    public func readLine(timeout: Double? = nil) throws(Failure) -> [UInt8] {
        let deadline = timeout.map { ControlClient.now() + $0 }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            if buffer.count > ControlClient.maxReplyBytes { throw Failure("the reply is longer than \(ControlClient.maxReplyBytes) bytes") }
            if let deadline {
                let left = deadline - ControlClient.now()
                if left <= 0 { throw Failure("no reply within \(JSON.format(timeout ?? 0)) s") }
                var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, Int32(min(left * 1000 + 1, 1e9)))
                if ready < 0 && errno != EINTR { throw Failure("poll: \(String(cString: strerror(errno)))") }
                if ready <= 0 { continue }
            }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let n = chunk.withUnsafeMutableBytes { recv(fd.rawValue, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer += chunk[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            if n == 0 { throw Failure("Seawall closed the control connection without a reply") }
            throw Failure("cannot read from the control socket: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads one reply and parses it.
    public func reply(timeout: Double? = nil) throws(Failure) -> JSON {
        let line = try readLine(timeout: timeout)
        do { return try JSON.parse(line) } catch { throw Failure("Seawall's reply is not JSON: \(error)") }
    }

    /// Whether the server closed the connection (reads until end of file, at most `timeout` seconds); any
    /// bytes that come first are returned in `extra`.
    public func awaitClose(timeout: Double) -> (closed: Bool, extra: [UInt8]) {
        let deadline = ControlClient.now() + timeout
        var extra = buffer
        buffer = []
        while true {
            let left = deadline - ControlClient.now()
            if left <= 0 { return (false, extra) }
            var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, Int32(left * 1000 + 1)) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let n = chunk.withUnsafeMutableBytes { recv(fd.rawValue, $0.baseAddress, $0.count, 0) }
            if n > 0 { extra += chunk[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            return (true, extra)   // end of file, or reset
        }
    }

    /// The socket, for tests that need to do something unusual with it.
    public var rawFD: Int32 { fd.rawValue }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
