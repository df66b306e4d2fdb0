import Compositor
import Glibc
import Render
import Scanout

/// A paced display (the shape of DRM page flips, without a device) whose frames complete only when the test
/// says so: `completeFrame()` writes to a pipe the server polls, and the server then hears that the frame in
/// flight is on screen, at the time `presentationTime(frame)` gives.
public final class SteppedDisplay: PacedScanoutTarget {
    public let name = "stepped"
    public let refreshMillihertz: Int32?
    /// Every frame presented, in order.
    public private(set) var presented: [UInt64] = []
    /// The last frame completed.
    public private(set) var completed: UInt64 = 0
    private let presentationTime: (UInt64) -> UInt64
    private var ends: [Int32] = [-1, -1]
    private var inFlight: UInt64?

    public struct SetUpFailure: Error { public let errno: Int32 }

    /// `presentationTime(frame)`: when frame `frame` is on screen, in nanoseconds on the test's own clock.
    public init(refreshMillihertz: Int32?, presentationTime: @escaping (_ frame: UInt64) -> UInt64) throws {
        self.refreshMillihertz = refreshMillihertz
        self.presentationTime = presentationTime
        guard pipe(&ends) == 0 else { throw SetUpFailure(errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
    }

    deinit { close(ends[0]); close(ends[1]) }

    public var eventFileDescriptor: Int32 { ends[0] }
    public var isBusy: Bool { inFlight != nil }

    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        precondition(inFlight == nil, "the server presented while a frame was in flight")
        inFlight = frame
        presented.append(frame)
    }

    /// The frame in flight is on screen now (the server hears of it at its next dispatch).
    public func completeFrame() {
        var byte: UInt8 = 1
        _ = write(ends[1], &byte, 1)
    }

    public func dispatchEvents(_ done: (UInt64, UInt64) -> Void) throws(ScanoutError) {
        var byte: UInt8 = 0
        while read(ends[0], &byte, 1) == 1 {
            guard let frame = inFlight else { continue }
            inFlight = nil
            completed = frame
            done(frame, presentationTime(frame))
        }
    }

    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] { [] }
}
