import Compositor
import Testing

/// The virtual pointer's decisions without a server: nothing before the frame, motions summed and clamped to
/// the output, absolute positions by the extent, the buttons it may press and release, axis frames, and the
/// release of every held button when it goes.
struct VirtualPointerTests {
    /// A 640×480 output with a pointer and one window at (32, 32), 100×100, the pointer on it at (40, 40).
    func benchWithPointer() -> Bench {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        _ = bench.mappedWindow(1)
        bench.compositor.movePointer(toX: 40, y: 40)
        _ = bench.events.take()
        return bench
    }

    @Test func nothingHappensBeforeTheFrameAndMotionsWithinAFrameAddUp() throws {
        let bench = benchWithPointer()
        let pointer = VirtualPointer()
        pointer.motion(dx: 5, dy: 1)
        pointer.motion(dx: 2.5, dy: 1)
        try pointer.button(0x110, state: 1)
        try pointer.axis(0, value: 5)
        #expect(bench.events.take().isEmpty && pointer.hasPendingEvents)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take() == ["pointer relative 1 7.5,2.0 unaccelerated 7.5,2.0", "pointer motion 1 15.5,10.0", "pointer button 1 down",
                                        "pointer axis frame 1 vertical 5.0 -"])
        #expect(!pointer.hasPendingEvents && pointer.heldButtons == [0x110])
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take().isEmpty, "an empty frame sends nothing")
    }

    @Test func motionIsClampedToTheOutputAndAbsoluteMotionUsesTheExtent() throws {
        let bench = benchWithPointer()
        let pointer = VirtualPointer()
        pointer.motion(dx: 8_000_000, dy: -8_000_000)   // about wl_fixed's largest
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.compositor.pointerX == 640 - 1.0 / 256 && bench.compositor.pointerY == 0)
        try pointer.motionAbsolute(x: 22, y: 33, xExtent: 640, yExtent: 480)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.compositor.pointerX == 22 && bench.compositor.pointerY == 33)
        try pointer.motionAbsolute(x: 44, y: 66, xExtent: 1280, yExtent: 960)
        pointer.motion(dx: 1, dy: -1)   // an absolute move, then a relative one from there
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.compositor.pointerX == 23 && bench.compositor.pointerY == 32)
        try pointer.motionAbsolute(x: .max, y: .max, xExtent: 1, yExtent: 1)   // past the extent: the edge
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.compositor.pointerX == 640 - 1.0 / 256 && bench.compositor.pointerY == 480 - 1.0 / 256)
        #expect(throws: VirtualPointerError.self) { try pointer.motionAbsolute(x: 1, y: 1, xExtent: 0, yExtent: 10) }
        #expect(throws: VirtualPointerError.self) { try pointer.motionAbsolute(x: 1, y: 1, xExtent: 10, yExtent: 0) }
    }

    @Test func aButtonIsPressedOnceAndReleasedOnlyByThePointerThatPressedIt() throws {
        let bench = benchWithPointer()
        let first = VirtualPointer(), second = VirtualPointer()
        try first.button(0x110, state: 1)
        try first.button(0x110, state: 1)   // pressed twice: once
        bench.compositor.virtualPointerFrame(first)
        try second.button(0x110, state: 1)  // already down (by the first)
        try second.button(0x110, state: 0)  // not the second's to release
        try second.button(0x111, state: 0)  // never pressed
        bench.compositor.virtualPointerFrame(second)
        #expect(bench.events.take() == ["pointer button 1 down"])
        try first.button(0x110, state: 0)
        try first.button(0x110, state: 0)
        bench.compositor.virtualPointerFrame(first)
        #expect(bench.events.take() == ["pointer button 1 up"])
        #expect(first.heldButtons.isEmpty && second.heldButtons.isEmpty && bench.compositor.pointerButtonsDown.isEmpty)
        #expect(throws: VirtualPointerError.invalidRequest("button state 2 is neither released (0) nor pressed (1)")) {
            try first.button(0x110, state: 2)
        }
    }

    @Test func heldButtonsAreReleasedWhenThePointerGoesAndTheImplicitGrabEnds() throws {
        let bench = benchWithPointer()
        let pointer = VirtualPointer()
        try pointer.button(0x111, state: 1)
        try pointer.button(0x110, state: 1)
        pointer.motion(dx: 300, dy: 300)   // off the window: the implicit grab keeps it
        bench.compositor.virtualPointerFrame(pointer)
        try pointer.button(0x112, state: 1)   // never framed: dropped
        _ = bench.events.take()
        bench.compositor.virtualPointerRemoved(pointer)
        #expect(bench.events.take() == ["pointer button 1 up", "pointer button 1 up", "pointer leave 1"])
        #expect(bench.compositor.pointerButtonsDown.isEmpty && pointer.heldButtons.isEmpty && !pointer.hasPendingEvents)
    }

    @Test func aPointerHoldsAtMostItsLimitOfButtonsAndAFrameAtMostItsLimitOfEvents() throws {
        let bench = benchWithPointer()
        let pointer = VirtualPointer()
        for code in 0..<UInt32(VirtualPointer.maxPendingEvents) { try pointer.button(0x100 + code, state: 1) }
        #expect(throws: VirtualPointerError.self) { try pointer.button(0x200, state: 1) }
        bench.compositor.virtualPointerFrame(pointer)
        #expect(pointer.heldButtons.count == VirtualPointer.maxHeldButtons)
        #expect(bench.events.take().count == VirtualPointer.maxHeldButtons)
        pointer.motion(dx: 1, dy: 0)
        for _ in 0..<10_000 { pointer.motion(dx: 0.5, dy: 0) }   // motions merge: no limit is reached
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take() == ["pointer relative 1 5001.0,0.0 unaccelerated 5001.0,0.0", "pointer motion 1 607.99609375,8.0"],
                "one relative motion for the frame's sum; clamped, and still the implicit grab's surface")
    }

    @Test func axisEventsOfAFrameAddUpPerAxisAndBadAxesOrSourcesAreRefused() throws {
        let bench = benchWithPointer()
        let pointer = VirtualPointer()
        try pointer.axis(1, value: 5, discrete: 1)
        try pointer.axis(1, value: 10, discrete: 2)
        try pointer.axisSource(3)
        try pointer.axisStop(0)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take() == ["pointer axis frame 1 source wheelTilt, vertical - - stop, horizontal 15.0 3"])
        try pointer.axis(0, value: 1, discrete: .max)
        try pointer.axis(0, value: 1, discrete: .max)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take() == ["pointer axis frame 1 vertical 2.0 \(Int32.max)"], "steps saturate")
        try pointer.axisSource(0)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take().isEmpty, "a source alone is no event")
        #expect(throws: VirtualPointerError.invalidAxis("axis 2 is neither vertical_scroll (0) nor horizontal_scroll (1)")) {
            try pointer.axis(2, value: 1)
        }
        #expect(throws: VirtualPointerError.self) { try pointer.axisStop(.max) }
        #expect(throws: VirtualPointerError.invalidAxisSource("axis source 4 is not one of wheel (0), finger (1), continuous (2) or wheel_tilt (3)")) {
            try pointer.axisSource(4)
        }
    }

    @Test func withoutAPointerInTheSeatFramesAreDropped() throws {
        let bench = Bench()
        _ = bench.mappedWindow(1)
        _ = bench.events.take()
        let pointer = VirtualPointer()
        pointer.motion(dx: 40, dy: 40)
        try pointer.button(0x110, state: 1)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take().isEmpty && pointer.heldButtons.isEmpty && !pointer.hasPendingEvents)
    }
}
