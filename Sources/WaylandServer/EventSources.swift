import CWaylandServer

/// Event sources that come and go while Seawall runs (the control socket's connections and timers), unlike
/// `Display.onReadable` and `Display.addTimer`, which last as long as the display. Each source is removed
/// from the loop when the object goes away (or at `remove()`); it keeps the display alive until then, so it
/// can never outlive the loop it is registered with.
extension Display {
    /// What an fd is watched for.
    public struct FDEvents: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = FDEvents(rawValue: UInt32(WL_EVENT_READABLE))
        public static let writable = FDEvents(rawValue: UInt32(WL_EVENT_WRITABLE))
        /// Reported only: the peer hung up (`WL_EVENT_HANGUP`).
        public static let hangup = FDEvents(rawValue: UInt32(WL_EVENT_HANGUP))
        /// Reported only: an error on the fd (`WL_EVENT_ERROR`).
        public static let error = FDEvents(rawValue: UInt32(WL_EVENT_ERROR))
    }

    /// Watches `fd` for `events` (`wl_event_loop_add_fd`); `action` hears what happened. The fd stays the
    /// caller's, who must remove the watch before closing it.
    public func watch(_ fd: Int32, for events: FDEvents, _ action: @escaping (FDEvents) -> Void) -> FDWatch? {
        let handler = FDWatch.Handler(action)
        let callback: @convention(c) (Int32, UInt32, UnsafeMutableRawPointer?) -> Int32 = { _, mask, data in
            guard let data else { return 0 }
            let handler = Unmanaged<FDWatch.Handler>.fromOpaque(data).takeUnretainedValue()
            // The action may remove this very source (and drop the watch): keep the handler until it returns.
            withExtendedLifetime(handler) { handler.action(FDEvents(rawValue: mask)) }
            return 0
        }
        guard let source = wl_event_loop_add_fd(loop, fd, events.rawValue, callback,
                                                Unmanaged.passUnretained(handler).toOpaque()) else { return nil }
        return FDWatch(display: self, source: source, handler: handler)
    }

    /// A timer that can be re-armed and goes away with its object (`wl_event_loop_add_timer`).
    public func makeTimer(_ action: @escaping () -> Void) -> LoopTimer? {
        let handler = LoopTimer.Handler(action)
        let callback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { data in
            guard let data else { return 0 }
            let handler = Unmanaged<LoopTimer.Handler>.fromOpaque(data).takeUnretainedValue()
            withExtendedLifetime(handler) { handler.action() }
            return 0
        }
        guard let source = wl_event_loop_add_timer(loop, callback, Unmanaged.passUnretained(handler).toOpaque()) else {
            return nil
        }
        return LoopTimer(display: self, source: source, handler: handler)
    }
}

/// An fd watched by the display's loop, until `remove()` or deinit.
public final class FDWatch {
    final class Handler {
        let action: (Display.FDEvents) -> Void
        init(_ action: @escaping (Display.FDEvents) -> Void) { self.action = action }
    }
    private let display: Display
    private var source: OpaquePointer?
    private let handler: Handler

    init(display: Display, source: OpaquePointer, handler: Handler) {
        self.display = display; self.source = source; self.handler = handler
    }

    /// Changes what the fd is watched for (`wl_event_source_fd_update`).
    public func update(_ events: Display.FDEvents) {
        if let source { wl_event_source_fd_update(source, events.rawValue) }
    }

    /// Stops watching (`wl_event_source_remove`); safe from inside the watch's own action.
    public func remove() {
        if let source { wl_event_source_remove(source) }
        source = nil
    }

    deinit { remove() }
}

/// A timer on the display's loop, until `remove()` or deinit.
public final class LoopTimer {
    final class Handler {
        let action: () -> Void
        init(_ action: @escaping () -> Void) { self.action = action }
    }
    private let display: Display
    private var source: OpaquePointer?
    private let handler: Handler

    init(display: Display, source: OpaquePointer, handler: Handler) {
        self.display = display; self.source = source; self.handler = handler
    }

    /// Fires once after `milliseconds` (at least 1; `wl_event_source_timer_update`).
    public func arm(milliseconds: Int32) {
        if let source { wl_event_source_timer_update(source, max(1, milliseconds)) }
    }

    /// Disarms the timer.
    public func disarm() {
        if let source { wl_event_source_timer_update(source, 0) }
    }

    public func remove() {
        if let source { wl_event_source_remove(source) }
        source = nil
    }

    deinit { remove() }
}
