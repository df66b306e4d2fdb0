import CShims
import Glibc

/// A periodic timer on CLOCK_MONOTONIC as a file descriptor (`timerfd_create` + `timerfd_settime` with
/// TFD_TIMER_ABSTIME), non-blocking and close-on-exec; closed when the value goes away. An event loop watches
/// `rawValue` for readability and calls `expirations()` when it is.
public struct PeriodicTimer: ~Copyable {
    private let fd: OwnedFD

    /// `timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)`, armed to fire first at the absolute
    /// time `firstNanoseconds` and then every `periodNanoseconds` (no drift: the kernel counts the periods).
    public init(firstNanoseconds: UInt64, periodNanoseconds: UInt64) throws(SystemError) {
        let raw = sw_timerfd_periodic(firstNanoseconds, periodNanoseconds)
        guard raw >= 0 else { throw SystemError("timerfd_create") }
        fd = OwnedFD(taking: raw)
    }

    /// Stops the timer: it fires no more (and an expiration not read yet is dropped) until `arm`.
    public func disarm() { _ = sw_timerfd_arm(fd.rawValue, 0, 0) }

    /// Fires every `periodNanoseconds` again, first at the absolute time `firstNanoseconds`.
    public func arm(firstNanoseconds: UInt64, periodNanoseconds: UInt64) {
        _ = sw_timerfd_arm(fd.rawValue, firstNanoseconds, periodNanoseconds)
    }

    /// The descriptor, for an event loop to watch; it stays this value's.
    public var rawValue: Int32 { fd.rawValue }

    /// `read(2)` of the timer's 8-byte expiration count: how many periods ended since the last call (0 if
    /// none, the descriptor being non-blocking).
    public func expirations() -> UInt64 { sw_timerfd_expirations(fd.rawValue) }
}
