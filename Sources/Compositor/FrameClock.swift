/// How Seawall decides when to repaint.
public enum RefreshMode: Sendable, Equatable {
    /// A virtual vblank at `hz` frames per second: damage and frame callbacks wait for the next tick.
    case interval(hz: Int)
    /// Repaint as soon as the event loop is idle after a commit (`--refresh 0`).
    case onCommit
    /// Only when `Server.repaint()` is called: tests step frames deterministically.
    case manual
    /// Paced by the display (a `PacedScanoutTarget`, e.g. DRM page flips): repaint when something waits and
    /// the previous frame is on screen; frame callbacks fire when their frame is.
    case display
}

/// Where the times in frame callbacks, presentation feedback and input events come from.
public enum TimeSource: String, Sendable, CaseIterable {
    /// CLOCK_MONOTONIC (for a display, its page-flip times).
    case monotonic
    /// A clock that starts at `FrameClock.virtualStart` and advances exactly one refresh period per frame,
    /// whatever the machine's speed: an app that animates from these times draws the same frame N on every
    /// run.
    case virtual
}

/// How the scanout target shows frames, asked of it once at start.
public enum Pacing: Sendable, Equatable {
    /// A presented frame is done at once (files, null): its callbacks are answered as it is presented.
    case immediate
    /// The display reports later when each frame is on screen (DRM page flips), at this rate in mHz if known;
    /// callbacks wait for that report.
    case display(refreshMillihertz: Int32?)
}

/// The frame clock's decisions: the period of a refresh mode, whether a commit repaints soon, frame numbers,
/// and which frame callbacks are answered when. It holds no timer and draws nothing: the server turns a
/// virtual vblank, an idle loop or a display event into calls here, and sends what it is handed back.
public final class FrameClock {
    public let mode: RefreshMode
    public let pacing: Pacing
    /// Frames presented so far (the first frame is 1).
    public private(set) var frameCount: UInt64 = 0
    /// The last frame known to be on screen (for a paced target, the last completed flip).
    public private(set) var presentedFrames: UInt64 = 0
    /// Frame callbacks waiting for their frame to reach the screen, by frame number (paced targets only).
    private var awaitingPresentation: [UInt64: [any FrameCallbackSink]] = [:]

    public let timeSource: TimeSource

    public init(mode: RefreshMode, pacing: Pacing, timeSource: TimeSource = .monotonic) {
        self.mode = mode
        self.pacing = pacing
        self.timeSource = timeSource
    }

    /// The virtual clock's time before the first frame: 1 s (a zero time is special to some clients).
    public static let virtualStart: UInt64 = 1_000_000_000

    /// How far the virtual clock advances per frame: the refresh period, or 1/60 s when frames come on commit,
    /// by hand or at a display rate not known.
    public var virtualPeriodNanoseconds: UInt64 {
        let period = UInt64(refreshNanoseconds)
        return period > 0 ? period : 16_666_667
    }

    /// The time of frame `frame`: `measured` (CLOCK_MONOTONIC, or the display's report), or on the virtual
    /// clock `virtualStart + frame × period`.
    public func time(ofFrame frame: UInt64, measured: UInt64) -> UInt64 {
        guard timeSource == .virtual else { return measured }
        let (offset, overflow) = frame.multipliedReportingOverflow(by: virtualPeriodNanoseconds)
        return overflow ? UInt64.max : FrameClock.virtualStart &+ offset
    }

    /// Now, for event timestamps (pointer, touch): `measured`, or on the virtual clock the time of the last
    /// frame composed, so that input between two frames carries that frame's time.
    public func now(measured: UInt64) -> UInt64 { time(ofFrame: frameCount, measured: measured) }

    /// Whether the display shows frames by itself and reports them later.
    public var isPaced: Bool { if case .display = pacing { return true } else { return false } }

    /// Period of the virtual vblank in nanoseconds (0 outside `.interval`, or for a rate of 0).
    public var periodNanoseconds: UInt64 {
        if case .interval(let hz) = mode, hz > 0 { return 1_000_000_000 / UInt64(hz) }
        return 0
    }

    /// The refresh rate wl_output reports, in mHz: the display's, else the virtual vblank's, else 60 Hz.
    public var refreshMillihertz: Int32 {
        if case .display(let rate?) = pacing { return rate }
        if case .interval(let hz) = mode { return Int32(clamping: hz * 1000) }
        return 60_000
    }

    /// Nanoseconds between frames as wp_presentation reports them (0 when repainting on commit or by hand).
    public var refreshNanoseconds: UInt32 {
        switch mode {
        case .interval(let hz) where hz > 0: return UInt32(1_000_000_000 / hz)
        case .display:
            guard case .display(let mhz?) = pacing, mhz > 0 else { return 0 }
            return UInt32(1_000_000_000_000 / Int64(mhz))
        default: return 0
        }
    }

    /// Whether a change should be painted as soon as the event loop is idle (rather than at the next tick,
    /// or when the test steps a frame): on commit always; paced by the display when no frame is in flight.
    public func repaintsWhenIdle(displayBusy: Bool) -> Bool {
        switch mode {
        case .onCommit: return true
        case .display: return !displayBusy
        case .interval, .manual: return false
        }
    }

    /// A frame is being composed: its number.
    public func beginFrame() -> UInt64 {
        frameCount += 1
        return frameCount
    }

    /// The answers a frame owes to the frame callbacks of `surfaces`: every committed surface's callbacks are
    /// answered by this frame; presentation feedback of a surface the frame does not show (not in `shown`,
    /// by `ObjectIdentifier`) is discarded now instead.
    public static func callbacks(of surfaces: some Sequence<Surface>, shown: Set<ObjectIdentifier>) -> [any FrameCallbackSink] {
        var callbacks: [any FrameCallbackSink] = []
        collectCallbacks(of: surfaces, shown: shown, into: &callbacks)
        return callbacks
    }

    /// `callbacks(of:shown:)` appended to `callbacks` (the server reuses one array from frame to frame).
    public static func collectCallbacks(of surfaces: some Sequence<Surface>, shown: Set<ObjectIdentifier>,
                                        into callbacks: inout [any FrameCallbackSink]) {
        for surface in surfaces where !surface.frameCallbacks.isEmpty {
            if shown.contains(ObjectIdentifier(surface)) {
                surface.moveFrameCallbacks(into: &callbacks) { _ in true }
            } else {
                surface.moveFrameCallbacks(into: &callbacks) { !$0.notDisplayed() }
            }
        }
    }

    /// The frame `frameCount` was presented at `nanoseconds` (CLOCK_MONOTONIC) with these callbacks: unpaced,
    /// they are answered now and the frame counts as on screen; paced, they wait for the display's report
    /// (`displayCompleted`).
    public func presented(callbacks: [any FrameCallbackSink], at nanoseconds: UInt64) {
        if isPaced {
            if !callbacks.isEmpty { awaitingPresentation[frameCount, default: []] += callbacks }
            return
        }
        let presentation = FramePresentation(nanoseconds: nanoseconds, sequence: frameCount,
                                             refreshNanoseconds: refreshNanoseconds, fromHardware: false)
        for callback in callbacks { callback.presented(presentation) }
        presentedFrames = frameCount
    }

    /// The display reports frame `frame` on screen at `nanoseconds`: the callbacks of it and of every earlier
    /// frame still waiting are answered, oldest frame first.
    public func displayCompleted(frame: UInt64, at nanoseconds: UInt64) {
        let presentation = FramePresentation(nanoseconds: nanoseconds, sequence: frame,
                                             refreshNanoseconds: refreshNanoseconds, fromHardware: true)
        for done in awaitingPresentation.keys.filter({ $0 <= frame }).sorted() {
            for callback in awaitingPresentation.removeValue(forKey: done) ?? [] {
                callback.presented(presentation)
            }
        }
        presentedFrames = max(presentedFrames, frame)
    }
}
