import CShims
import Glibc

/// An eventfd: a counter one thread adds to (`signal`) and an event loop watches for readability and resets
/// (`drain`). Non-blocking and close-on-exec; closed when the value goes away.
public struct EventCounter: ~Copyable, @unchecked Sendable {
    private let fd: OwnedFD

    /// `eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)`.
    public init() throws(SystemError) {
        let raw = sw_eventfd()
        guard raw >= 0 else { throw SystemError("eventfd") }
        fd = OwnedFD(taking: raw)
    }

    /// The descriptor, for an event loop to watch; it stays this value's.
    public var rawValue: Int32 { fd.rawValue }

    /// Adds one (wakes the loop). Safe from any thread; cannot fail short of 2^64 − 1 unread signals.
    public func signal() { _ = sw_eventfd_signal(fd.rawValue) }

    /// The signals since the last drain (0 if none), resetting the count.
    public func drain() -> UInt64 { sw_eventfd_drain(fd.rawValue) }
}
