import Glibc

// The times the server puts on events: the frame clock's (real or virtual) for input, CLOCK_MONOTONIC beneath.

extension Server {
    /// An input event's timestamp (wl_pointer.motion and friends): milliseconds, wrapping, on the frame
    /// clock's time source (the virtual clock's current frame under `--clock virtual`).
    func eventMilliseconds() -> UInt32 {
        UInt32(truncatingIfNeeded: frameClock.now(measured: Clock.nanoseconds()) / 1_000_000)
    }
}

/// CLOCK_MONOTONIC, the clock frame callbacks and presentation times are on.
enum Clock {
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

extension Server {
    /// zwp_relative_pointer_v1.relative_motion's timestamp: microseconds on the same clock as
    /// `eventMilliseconds()`, 64 bits (sent as two halves).
    func eventMicroseconds() -> UInt64 {
        frameClock.now(measured: Clock.nanoseconds()) / 1_000
    }
}
