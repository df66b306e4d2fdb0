import Glibc
import SystemCalls

/// A real client program run by a test: spawned with posix_spawn, its stdout and stderr collected through
/// non-blocking pipes, optionally handed one end of a socketpair as WAYLAND_SOCKET (fd 3).
public final class ChildProcess {
    public let pid: pid_t
    public let name: String
    private var outFD: Int32
    private var errFD: Int32
    public private(set) var stdout = ""
    public private(set) var stderr = ""
    public private(set) var exitStatus: Int32?
    /// Set when the child was ended by a signal.
    public private(set) var exitSignal: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Starts `executable` with `arguments` and the test's environment changed by `environment` (a nil
    /// value removes a variable). With `waylandSocket`, the child gets that fd as fd 3 and
    /// WAYLAND_SOCKET=3 (libwayland-client then uses it instead of connecting), and WAYLAND_DISPLAY is removed.
    public init(executable: String, arguments: [String], waylandSocket: Int32? = nil, environment: [String: String?] = [:]) throws {
        name = executable.split(separator: "/").last.map(String.init) ?? executable
        guard access(executable, X_OK) == 0 else {
            throw SpawnError(description: "\(executable) is not an executable file (build it first: swift build)")
        }
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // Only the duplicates on 1 and 2 may reach the child.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var descriptors: [(source: Int32, target: Int32)] = [(outPipe[1], 1), (errPipe[1], 2)]
        if let waylandSocket { descriptors.append((waylandSocket, 3)) }

        var env: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            cursor += 1
        }
        if waylandSocket != nil {
            env["WAYLAND_SOCKET"] = "3"
            env["WAYLAND_DISPLAY"] = nil
        }
        for (key, value) in environment { env[key] = value }   // nil removes the variable

        // The child starts with no blocked signals and default dispositions, whatever the test runner's
        // threads had (a blocked SIGTERM would be inherited and make `terminate()` useless): Spawn does that.
        let child: pid_t
        do {
            child = try Spawn.start(executable, arguments: arguments, environment: env.map { "\($0.key)=\($0.value)" },
                                    descriptors: descriptors)
        } catch {
            close(outPipe[1]); close(errPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw SpawnError(description: "\(error.operation): \(error.reason)")
        }
        close(outPipe[1]); close(errPipe[1])
        pid = child
        outFD = outPipe[0]; errFD = errPipe[0]
        _ = fcntl(outFD, F_SETFL, fcntl(outFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(errFD, F_SETFL, fcntl(errFD, F_GETFL) | O_NONBLOCK)
    }

    /// Reads whatever output is available and notices an exit. Returns true while the child runs.
    @discardableResult
    public func poll() -> Bool {
        drain(&outFD, into: &stdout, pending: &outPending)
        drain(&errFD, into: &stderr, pending: &errPending)
        if exitStatus == nil && exitSignal == nil {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { record(status) }
        }
        return exitStatus == nil && exitSignal == nil
    }

    public var isRunning: Bool { poll() }

    /// Waits (up to `seconds`) for the child to exit by itself.
    public func wait(seconds: Double) -> Bool {
        wait(seconds: seconds) { $0.exitStatus != nil || $0.exitSignal != nil }
    }

    /// Waits (up to `seconds`) until `condition` holds, e.g. until the child has said something; false if
    /// the child exits or the time runs out first without it. It wakes when the child writes or closes its
    /// output (`ChildProcess.awaitOutput`), not on a timer.
    @discardableResult
    public func wait(seconds: Double, until condition: (ChildProcess) -> Bool) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while true {
            let running = poll()
            if condition(self) { return true }
            let left = deadline - monotonicSeconds()
            if !running || left <= 0 { return false }
            ChildProcess.awaitOutput(from: [self], seconds: left)
        }
    }

    /// Blocks until one of `children` writes to its stdout or stderr or closes them (as it does on exit),
    /// or at most `seconds` (`poll` on their pipes; then `poll()` each child to take what came). A child
    /// whose pipes are closed while it still runs (its own children hold them, or it closed them) can only
    /// be noticed by `waitpid`: then this returns within 10 ms, or 100 ms while any pipe is still open.
    public static func awaitOutput(from children: [ChildProcess], seconds: Double) {
        var fds = children.flatMap { [$0.outFD, $0.errFD] }.filter { $0 >= 0 }
            .map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let cap = fds.isEmpty ? 0.01 : 0.1
        let milliseconds = Int32((max(0, min(seconds, cap)) * 1000).rounded(.up))
        _ = fds.withUnsafeMutableBufferPointer { buffer in
            Glibc.poll(buffer.baseAddress, nfds_t(buffer.count), milliseconds)
        }
    }

    /// SIGTERM, then SIGKILL if it does not exit within a second.
    public func terminate() {
        guard poll() else { return }
        kill(pid, SIGTERM)
        if !wait(seconds: 2) {
            kill(pid, SIGKILL)
            _ = wait(seconds: 2)
        }
    }

    private func record(_ status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        if status & 0x7f == 0 { exitStatus = (status >> 8) & 0xff } else { exitSignal = status & 0x7f }
        drain(&outFD, into: &stdout, pending: &outPending)
        drain(&errFD, into: &stderr, pending: &errPending)
    }

    /// Bytes read that end in the middle of a UTF-8 character, kept for the next read (a character split
    /// across two reads would otherwise be decoded as replacement characters).
    private var outPending: [UInt8] = []
    private var errPending: [UInt8] = []

    private func drain(_ fd: inout Int32, into text: inout String, pending: inout [UInt8]) {
        guard fd >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                pending += buffer[0..<n]
                let complete = ChildProcess.completeUTF8Prefix(pending)
                text += String(decoding: pending[0..<complete], as: UTF8.self)
                pending.removeFirst(complete)
                continue
            }
            if n == 0 {
                text += String(decoding: pending, as: UTF8.self)
                pending.removeAll()
                close(fd)
                fd = -1
            }
            return
        }
    }

    /// How many leading bytes of `bytes` end on a whole UTF-8 character: all of them, unless the last
    /// (up to 3) bytes start a character whose remaining bytes have not arrived.
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var start = bytes.count
        while start > 0 && bytes.count - start < 4 {
            start -= 1
            let byte = bytes[start]
            guard byte & 0xC0 == 0x80 else {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return start + length > bytes.count ? start : bytes.count
            }
        }
        return bytes.count
    }

    /// What the child said, for failure messages.
    public var transcript: String {
        "\(name) [pid \(pid), status \(exitStatus.map(String.init) ?? "-"), signal \(exitSignal.map(String.init) ?? "-")]\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }

    deinit {
        if exitStatus == nil && exitSignal == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        if outFD >= 0 { close(outFD) }
        if errFD >= 0 { close(errFD) }
    }
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
