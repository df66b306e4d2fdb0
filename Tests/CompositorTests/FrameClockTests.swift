import Compositor
import Testing

/// The frame clock without a server: rates, when a commit repaints, and when callbacks are answered.
struct FrameClockTests {
    @Test func ratesFollowTheModeAndTheDisplay() {
        let interval = FrameClock(mode: .interval(hz: 60), pacing: .immediate)
        #expect(interval.periodNanoseconds == 16_666_666 && interval.refreshNanoseconds == 16_666_666)
        #expect(interval.refreshMillihertz == 60_000)
        let display = FrameClock(mode: .display, pacing: .display(refreshMillihertz: 50_000))
        #expect(display.periodNanoseconds == 0 && display.refreshNanoseconds == 20_000_000)
        #expect(display.refreshMillihertz == 50_000)
        let unknownRate = FrameClock(mode: .display, pacing: .display(refreshMillihertz: nil))
        #expect(unknownRate.refreshNanoseconds == 0 && unknownRate.refreshMillihertz == 60_000)
        let manual = FrameClock(mode: .manual, pacing: .immediate)
        #expect(manual.refreshNanoseconds == 0 && manual.refreshMillihertz == 60_000 && !manual.isPaced)
    }

    /// The virtual clock: frame N at 1 s + N periods, whatever was measured; the real clock passes through.
    @Test func theVirtualClockAdvancesOnePeriodPerFrame() {
        let clock = FrameClock(mode: .interval(hz: 60), pacing: .immediate, timeSource: .virtual)
        #expect(clock.time(ofFrame: 0, measured: 123) == 1_000_000_000)
        #expect(clock.time(ofFrame: 3, measured: 123) == 1_000_000_000 + 3 * 16_666_666)
        #expect(clock.now(measured: 5) == 1_000_000_000, "before any frame: the start")
        _ = clock.beginFrame()
        _ = clock.beginFrame()
        #expect(clock.now(measured: 5) == 1_000_000_000 + 2 * 16_666_666, "input carries the last frame's time")
        #expect(clock.time(ofFrame: .max, measured: 0) == .max, "no overflow past the end of time")
        let onCommit = FrameClock(mode: .onCommit, pacing: .immediate, timeSource: .virtual)
        #expect(onCommit.time(ofFrame: 60, measured: 0) == 1_000_000_000 + 60 * 16_666_667, "1/60 s without a rate")
        let display = FrameClock(mode: .display, pacing: .display(refreshMillihertz: 50_000), timeSource: .virtual)
        #expect(display.time(ofFrame: 1, measured: 0) == 1_020_000_000, "a display's own rate")
        let real = FrameClock(mode: .interval(hz: 60), pacing: .immediate)
        #expect(real.time(ofFrame: 3, measured: 42) == 42 && real.now(measured: 7) == 7)
    }

    @Test func onlyOnCommitAndAnIdleDisplayRepaintWhenIdle() {
        #expect(FrameClock(mode: .onCommit, pacing: .immediate).repaintsWhenIdle(displayBusy: false))
        let display = FrameClock(mode: .display, pacing: .display(refreshMillihertz: 60_000))
        #expect(display.repaintsWhenIdle(displayBusy: false) && !display.repaintsWhenIdle(displayBusy: true))
        #expect(!FrameClock(mode: .interval(hz: 60), pacing: .immediate).repaintsWhenIdle(displayBusy: false))
        #expect(!FrameClock(mode: .manual, pacing: .immediate).repaintsWhenIdle(displayBusy: false))
    }

    @Test func anUnpacedFrameAnswersItsCallbacksAtOnce() {
        let clock = FrameClock(mode: .manual, pacing: .immediate)
        let callback = CallbackRecorder()
        #expect(clock.beginFrame() == 1)
        clock.presented(callbacks: [callback], at: 5_000_000)
        #expect(callback.times == [5] && clock.presentedFrames == 1)
    }

    @Test func aPacedFrameWaitsForTheDisplayAndLateReportsAnswerEarlierFrames() {
        let clock = FrameClock(mode: .display, pacing: .display(refreshMillihertz: 60_000))
        let first = CallbackRecorder(), second = CallbackRecorder()
        _ = clock.beginFrame()
        clock.presented(callbacks: [first], at: 1_000_000)
        _ = clock.beginFrame()
        clock.presented(callbacks: [second], at: 2_000_000)
        #expect(first.times.isEmpty && clock.presentedFrames == 0, "not on screen yet")
        clock.displayCompleted(frame: 2, at: 40_000_000)
        #expect(first.times == [40] && second.times == [40] && clock.presentedFrames == 2)
        clock.displayCompleted(frame: 1, at: 50_000_000)
        #expect(first.times == [40] && clock.presentedFrames == 2, "answered once; the count never goes back")
    }

    @Test func aSurfaceTheFrameDoesNotShowHasItsFeedbackDiscarded() {
        let shown = Surface(id: 1), hidden = Surface(id: 2)
        let callback = CallbackRecorder(), feedback = CallbackRecorder(discardsWhenReplaced: true)
        let hiddenCallback = CallbackRecorder()
        shown.pending.frameCallbacks = [callback]
        hidden.pending.frameCallbacks = [feedback, hiddenCallback]
        _ = shown.commit(); _ = hidden.commit()
        let answered = FrameClock.callbacks(of: [shown, hidden], shown: [ObjectIdentifier(shown)])
        #expect(answered.count == 2, "wl_callback is answered seen or not")
        #expect(feedback.discards == 1 && hiddenCallback.discards == 0)
        #expect(shown.frameCallbacks.isEmpty && hidden.frameCallbacks.isEmpty)
    }
}
