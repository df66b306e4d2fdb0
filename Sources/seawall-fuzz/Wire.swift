import Glibc

/// One argument as it goes on the wire. Strings are their bytes without the terminating NUL (nil: a null string).
enum Value {
    case int(Int32), uint(UInt32), fixed(Int32), string([UInt8]?), object(UInt32), newID(UInt32), array([UInt8]), fd(Int32)
}

/// The bytes of one or more messages and the fds that travel with them (SCM_RIGHTS).
struct Frame {
    var bytes: [UInt8] = []
    var fds: [Int32] = []

    mutating func word(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A length-prefixed, NUL-terminated (strings) and 32-bit padded blob.
    mutating func blob(_ data: [UInt8], terminate: Bool) {
        word(UInt32(data.count + (terminate ? 1 : 0)))
        bytes.append(contentsOf: data)
        if terminate { bytes.append(0) }
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// A well-framed request: object id, then size << 16 | opcode, then the arguments.
    static func request(object: UInt32, opcode: UInt16, _ values: [Value]) -> Frame {
        var frame = Frame()
        frame.word(object)
        frame.word(0)   // patched below
        for value in values {
            switch value {
            case .int(let v), .fixed(let v): frame.word(UInt32(bitPattern: v))
            case .uint(let v), .object(let v), .newID(let v): frame.word(v)
            case .string(let s):
                if let s { frame.blob(s, terminate: true) } else { frame.word(0) }
            case .array(let a): frame.blob(a, terminate: false)
            case .fd(let fd): if fd >= 0 { frame.fds.append(fd) }   // -1: no file could be made
            }
        }
        frame.setHeader(size: frame.bytes.count, opcode: opcode)
        return frame
    }

    /// Rewrites the second header word (the fuzzer uses it to lie about the size).
    mutating func setHeader(size: Int, opcode: UInt16) {
        let word = (UInt32(truncatingIfNeeded: size) << 16) | UInt32(opcode)
        withUnsafeBytes(of: word.littleEndian) { raw in
            for i in 0..<4 { bytes[4 + i] = raw[i] }
        }
    }
}

/// A message the server sent: the object it is for, its opcode and its argument bytes.
struct Event {
    let object: UInt32
    let opcode: UInt16
    let payload: ArraySlice<UInt8>
}

/// A raw Wayland connection over an AF_UNIX stream socket; the fuzzer frames every message itself.
final class Connection {
    enum Outcome { case done, closed, timedOut }

    private(set) var fd: Int32
    /// Why reading or writing stopped: 0 for end-of-file, else the errno (ECONNRESET, EPIPE…).
    private(set) var closeReason: Int32?
    private var input: [UInt8] = []
    private var inputStart = 0

    /// `socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK)` + `connect`. nil with errno on failure.
    init?(path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            errno = ENAMETOOLONG
            return nil
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let saved = errno
            Glibc.close(fd)
            errno = saved
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// `shutdown(SHUT_WR)`: the server reads end-of-file after what was sent.
    func shutdownWrite() { if fd >= 0 { _ = shutdown(fd, Int32(SHUT_WR)) } }

    /// `sendmsg` with the frame's fds as one SCM_RIGHTS message (MSG_NOSIGNAL: a closed peer is EPIPE, not a
    /// signal). Waits (`poll`) while the socket is full, reading events meanwhile so neither side blocks.
    func send(_ frame: Frame, timeout: Double) -> Outcome {
        guard fd >= 0 else { return .closed }
        let deadline = monotonicNow() + timeout
        var offset = 0
        var fdsSent = frame.fds.isEmpty
        while offset < frame.bytes.count || !fdsSent {
            let n = sendChunk(frame, from: offset, withFDs: !fdsSent)
            if n > 0 {
                offset += n
                fdsSent = true
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                let remaining = deadline - monotonicNow()
                if remaining <= 0 { return .timedOut }
                var p = pollfd(fd: fd, events: Int16(POLLOUT | POLLIN), revents: 0)
                _ = poll(&p, 1, Int32(min(remaining, 1) * 1000) + 1)
                if p.revents & Int16(POLLIN) != 0, receive() == .closed { return .closed }
                continue
            }
            if closeReason == nil { closeReason = errno }
            return .closed
        }
        return .done
    }

    private func sendChunk(_ frame: Frame, from offset: Int, withFDs: Bool) -> Int {
        frame.bytes.withUnsafeBytes { raw -> Int in
            var iov = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress.map { $0 + offset }),
                            iov_len: raw.count - offset)
            var message = msghdr()
            message.msg_iovlen = 1
            let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
            guard withFDs && !frame.fds.isEmpty else {
                return withUnsafeMutablePointer(to: &iov) { iovPointer in
                    message.msg_iov = iovPointer
                    return sendmsg(fd, &message, flags)
                }
            }
            // struct cmsghdr { size_t len; int level; int type; } then the fds (CMSG_* are macros Swift lacks).
            let header = MemoryLayout<Int>.size + 8
            let length = header + 4 * frame.fds.count
            var control = [UInt8](repeating: 0, count: (length + 7) & ~7)
            control.withUnsafeMutableBytes { c in
                c.storeBytes(of: length, toByteOffset: 0, as: Int.self)
                c.storeBytes(of: Int32(SOL_SOCKET), toByteOffset: MemoryLayout<Int>.size, as: Int32.self)
                c.storeBytes(of: Int32(SCM_RIGHTS), toByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
                for (i, descriptor) in frame.fds.enumerated() {
                    c.storeBytes(of: descriptor, toByteOffset: header + 4 * i, as: Int32.self)
                }
            }
            return withUnsafeMutablePointer(to: &iov) { iovPointer in
                control.withUnsafeMutableBytes { c in
                    message.msg_iov = iovPointer
                    message.msg_control = c.baseAddress
                    message.msg_controllen = c.count
                    return sendmsg(fd, &message, flags)
                }
            }
        }
    }

    /// Reads what is available (`recvmsg`); fds the server sends (keymaps) are closed at once.
    @discardableResult
    func receive() -> Outcome {
        guard fd >= 0 else { return .closed }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var control = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                control.withUnsafeMutableBytes { c -> Int in
                    var iov = iovec(iov_base: raw.baseAddress, iov_len: raw.count)
                    return withUnsafeMutablePointer(to: &iov) { iovPointer -> Int in
                        var message = msghdr()
                        message.msg_iov = iovPointer
                        message.msg_iovlen = 1
                        message.msg_control = c.baseAddress
                        message.msg_controllen = c.count
                        let got = recvmsg(fd, &message, Int32(MSG_DONTWAIT) | Int32(MSG_CMSG_CLOEXEC))
                        if got >= 0 { Connection.closeReceivedFDs(c, length: Int(message.msg_controllen)) }
                        return got
                    }
                }
            }
            if n > 0 {
                if inputStart > 0 && (inputStart == input.count || inputStart > 65536) {
                    input.removeFirst(inputStart)
                    inputStart = 0
                }
                input.append(contentsOf: buffer[0..<n])
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .done }
            if closeReason == nil { closeReason = n == 0 ? 0 : errno }
            return .closed
        }
    }

    private static func closeReceivedFDs(_ control: UnsafeMutableRawBufferPointer, length: Int) {
        let header = MemoryLayout<Int>.size + 8
        var offset = 0
        while offset + header <= length {
            let cmsgLength = control.load(fromByteOffset: offset, as: Int.self)
            let type = control.load(fromByteOffset: offset + MemoryLayout<Int>.size + 4, as: Int32.self)
            guard cmsgLength >= header, offset + cmsgLength <= length else { return }
            if type == Int32(SCM_RIGHTS) {
                for i in 0..<((cmsgLength - header) / 4) {
                    Glibc.close(control.load(fromByteOffset: offset + header + 4 * i, as: Int32.self))
                }
            }
            offset += (cmsgLength + 7) & ~7
        }
    }

    /// Waits up to `timeout` seconds for input (`poll`) and reads it.
    func wait(timeout: Double) -> Outcome {
        guard fd >= 0 else { return .closed }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, Int32(max(0, timeout) * 1000))
        if ready == 0 { return .timedOut }
        return receive()
    }

    /// The next complete message in the input, if any. A size below 8 from the server ends the parse (nil).
    func nextEvent() -> Event? {
        let available = input.count - inputStart
        guard available >= 8 else { return nil }
        let object = load(at: inputStart)
        let second = load(at: inputStart + 4)
        let size = Int(second >> 16)
        guard size >= 8, available >= size else { return nil }
        let event = Event(object: object, opcode: UInt16(second & 0xffff),
                          payload: input[(inputStart + 8)..<(inputStart + size)])
        inputStart += (size + 3) & ~3
        return event
    }

    private func load(at offset: Int) -> UInt32 {
        UInt32(input[offset]) | UInt32(input[offset + 1]) << 8 | UInt32(input[offset + 2]) << 16
            | UInt32(input[offset + 3]) << 24
    }
}

/// CLOCK_MONOTONIC in seconds.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
