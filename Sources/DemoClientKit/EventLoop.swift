import CClientShims
import CWaylandClient
import Glibc
import ClientMemory
import SystemCalls

/// SIGINT and SIGTERM as a file descriptor, polled beside the Wayland socket so that a demo client asked to
/// stop disconnects and exits 0 instead of dying between two requests. No signal handler is installed (and
/// none for SIGBUS: a sealed pool cannot shrink under anyone).
public final class TerminationSignals {
    let fd: OwnedFD

    /// `sw_client_termination_signalfd`: `pthread_sigmask(SIG_BLOCK, {SIGINT, SIGTERM})` + `signalfd(2)`.
    /// Call it on the main thread before other threads start: they inherit the mask, so a process-directed
    /// signal can only end up in this fd.
    public init() throws(SystemError) {
        let raw = sw_client_termination_signalfd()
        guard raw >= 0 else { throw SystemError("signalfd") }
        fd = OwnedFD(taking: raw)
    }

    /// `read(2)` of one `signalfd_siginfo`: the signal that arrived, or nil if none is pending.
    func take() -> Int32? {
        let signal = sw_client_read_signal(fd.rawValue)
        return signal > 0 ? signal : nil
    }

    /// Waits `seconds` (`poll(2)` on the signal fd alone); returns the signal if one came first.
    func wait(seconds: Double) -> Int32? {
        var timespec = Glibc.timespec()
        clock_gettime(CLOCK_MONOTONIC, &timespec)
        let start = Double(timespec.tv_sec) + Double(timespec.tv_nsec) / 1e9
        while true {
            clock_gettime(CLOCK_MONOTONIC, &timespec)
            let left = start + seconds - (Double(timespec.tv_sec) + Double(timespec.tv_nsec) / 1e9)
            if left <= 0 { return nil }
            var fds = [pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, Int32(min(left * 1000, 1e9).rounded(.up)))
            if ready > 0, let signal = take() { return signal }
        }
    }

    /// Waits until stdin gives a line or ends, or a signal arrives (`poll(2)` on both, then `read(2)`).
    /// Returns the signal if that came first.
    func waitForLineOnStdin() -> Int32? {
        var byte: UInt8 = 0
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if fds[1].revents != 0, let signal = take() { return signal }
            guard fds[0].revents != 0 else { continue }
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) || (n == 1 && byte == UInt8(ascii: "\n")) {
                return nil
            }
        }
    }
}

/// What one turn of the client loop came to.
enum LoopTurn: Equatable {
    /// Events (maybe none) were dispatched; the listeners have run.
    case dispatched
    /// SIGINT or SIGTERM arrived.
    case signalled(Int32)
    /// libwayland gave up on the connection: `wl_display_get_error` says why (EPROTO: a protocol error).
    case connectionFailed
    /// `poll(2)` itself failed with this errno.
    case pollFailed(Int32)
}

enum EventLoop {
    /// One turn of what `wl_display_dispatch` does, with the signal fd polled beside the socket:
    /// `wl_display_prepare_read` (dispatching what is already queued), `wl_display_flush`, `poll(2)`,
    /// `wl_display_read_events` or `wl_display_cancel_read`, then `wl_display_dispatch_pending`.
    static func turn(display: OpaquePointer, signals: TerminationSignals) -> LoopTurn {
        while wl_display_prepare_read(display) != 0 {
            if wl_display_dispatch_pending(display) < 0 { return .connectionFailed }
        }
        var events = Int16(POLLIN)
        if wl_display_flush(display) < 0 {
            switch errno {
            case EAGAIN:
                events |= Int16(POLLOUT)   // the socket is full: wait until it drains, then flush again
            case EPIPE:
                break                      // the compositor hung up; what it sent last (an error?) is still readable
            default:
                wl_display_cancel_read(display)
                return .connectionFailed
            }
        }
        var fds = [pollfd(fd: wl_display_get_fd(display), events: events, revents: 0),
                   pollfd(fd: signals.fd.rawValue, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 2, -1) < 0 {
            let error = errno
            wl_display_cancel_read(display)
            return error == EINTR ? .dispatched : .pollFailed(error)
        }
        if fds[1].revents != 0, let signal = signals.take() {
            wl_display_cancel_read(display)
            return .signalled(signal)
        }
        if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            // On end of file libwayland marks the display failed (EPIPE) and this returns -1.
            if wl_display_read_events(display) < 0 { return .connectionFailed }
        } else {
            wl_display_cancel_read(display)
        }
        return wl_display_dispatch_pending(display) < 0 ? .connectionFailed : .dispatched
    }
}

/// Where `wl_display_connect(name)` looks, in words, for the message when it fails (libwayland's own rule:
/// WAYLAND_SOCKET fd, else `name` or $WAYLAND_DISPLAY or "wayland-0", absolute or under $XDG_RUNTIME_DIR).
func describeSocket(name: String?) -> String {
    func environment(_ key: String) -> String? { getenv(key).map { String(cString: $0) } }
    if name == nil, let fd = environment("WAYLAND_SOCKET") { return "the inherited socket WAYLAND_SOCKET=\(fd)" }
    let display = name ?? environment("WAYLAND_DISPLAY") ?? "wayland-0"
    let origin = name != nil ? "--socket \(display)" : environment("WAYLAND_DISPLAY") != nil
        ? "WAYLAND_DISPLAY=\(display)" : "the default wayland-0 (WAYLAND_DISPLAY is not set)"
    if display.hasPrefix("/") { return "\(display) (\(origin))" }
    guard let runtime = environment("XDG_RUNTIME_DIR") else {
        return "\(display) (\(origin)), but XDG_RUNTIME_DIR is not set"
    }
    return "\(runtime)/\(display) (\(origin) in XDG_RUNTIME_DIR)"
}

/// Turns a failed connection into words and an exit status (`wl_display_get_error`,
/// `wl_display_get_protocol_error`, and the line libwayland logged, captured by `sw_client_capture_log`):
/// an error on wl_shm or wl_shm_pool is the compositor refusing the client's memory (status 3), any other
/// protocol error or a lost connection is status 1.
func describeConnectionFailure(display: OpaquePointer) -> DemoFailure {
    let error = wl_display_get_error(display)
    var buffer = [CChar](repeating: 0, count: 1024)
    let length = sw_client_last_log(&buffer, buffer.count)
    var logged = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while logged.last == "\n" { logged.removeLast() }
    switch error {
    case EPROTO:
        var interface: UnsafePointer<wl_interface>?
        var id: UInt32 = 0
        let code = wl_display_get_protocol_error(display, &interface, &id)
        guard let name = interface.map({ String(cString: $0.pointee.name) }) else { break }
        let message = logged.isEmpty ? "\(name)@\(id): error \(code)" : logged
        if name == "wl_shm" || name == "wl_shm_pool" {
            return DemoFailure(description: "the compositor refused this client: \(message)", exitStatus: 3)
        }
        return DemoFailure(description: "protocol error: \(message)", exitStatus: 1)
    case EINVAL, ENOMEM, EFAULT:
        // An error about wl_display itself (invalid object or method, no memory): libwayland reports these
        // as plain errno values, without a protocol error object; its log line still has the words.
        break
    default:
        let reason = error == EPIPE || error == ECONNRESET
            ? "the compositor closed the connection" : "lost the connection to the compositor"
        return DemoFailure(description: "\(reason) (\(String(cString: strerror(error))))", exitStatus: 1)
    }
    let message = logged.isEmpty ? String(cString: strerror(error)) : logged
    return DemoFailure(description: "protocol error: \(message)", exitStatus: 1)
}
