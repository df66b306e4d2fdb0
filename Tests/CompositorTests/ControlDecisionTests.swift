import Compositor
import Testing

/// The decisions behind `seawall ctl`: which window a name means, when a window or the output has settled,
/// and when frames may be stepped.
@Suite struct ControlDecisionTests {
    @Test("a name matches a mapped window's app_id before any title, and the topmost of equals")
    func windowMatching() {
        let bench = Bench()
        let a = bench.mappedWindow(1), b = bench.mappedWindow(2), hidden = bench.window(3)
        a.appID = "editor"; a.title = "notes"
        b.appID = "notes"; b.title = "editor"
        hidden.appID = "hidden"
        #expect(bench.compositor.window(matching: "notes") === b, "app_id wins over title")
        #expect(bench.compositor.window(matching: "editor") === a)
        #expect(bench.compositor.window(matching: "hidden") == nil, "unmapped windows never match")
        #expect(bench.compositor.window(matching: "none") == nil)
        b.appID = "editor"
        #expect(bench.compositor.window(matching: "editor") === b, "the topmost of two equal matches")
        if let surface = a.surface { bench.compositor.raise(surface) }
        #expect(bench.compositor.window(matching: "editor") === a)
    }

    @Test("settled: quiet for the whole period, counted from the last change of the output or of that window")
    func settling() throws {
        let bench = Bench()
        let scene = bench.compositor.scene
        let tracker = SettleTracker(scene: scene, now: 1_000)
        #expect(tracker.verdict(window: nil, quietNanoseconds: 500, now: 1_400) == .quietAt(1_500))
        #expect(tracker.verdict(window: nil, quietNanoseconds: 500, now: 1_500) == .settled)
        let a = bench.mappedWindow(1), b = bench.mappedWindow(2)
        tracker.observe(scene, now: 2_000)
        let aSurface = try #require(a.surface), bSurface = try #require(b.surface)
        #expect(tracker.verdict(window: nil, quietNanoseconds: 500, now: 2_100) == .quietAt(2_500))
        // b changes again; a does not.
        bench.commit(bSurface, 120, 80)
        tracker.observe(scene, now: 3_000)
        #expect(tracker.verdict(window: aSurface, quietNanoseconds: 500, now: 3_000) == .settled)
        #expect(tracker.verdict(window: bSurface, quietNanoseconds: 500, now: 3_000) == .quietAt(3_500))
        #expect(tracker.verdict(window: nil, quietNanoseconds: 500, now: 3_200) == .quietAt(3_500))
        // A commit of the same size with no damage changes nothing.
        bSurface.pending.buffer = .attach(CountingBuffer(120, 80))
        bench.compositor.commit(bSurface.commitTree())
        tracker.observe(scene, now: 3_400)
        #expect(tracker.verdict(window: bSurface, quietNanoseconds: 500, now: 3_500) == .settled)
        #expect(tracker.verdict(window: nil, quietNanoseconds: 500, now: 3_500) == .settled)
        // Moving a window changes it and the output.
        bench.compositor.place(aSurface, x: 300, y: 300)
        tracker.observe(scene, now: 4_000)
        #expect(tracker.verdict(window: aSurface, quietNanoseconds: 500, now: 4_100) == .quietAt(4_500))
        let unmapped = bench.window(9)
        #expect(tracker.verdict(window: unmapped.surface, quietNanoseconds: 0, now: 5_000) == .windowNotMapped)
        #expect(tracker.verdict(window: nil, quietNanoseconds: .max, now: 5_000) == .quietAt(.max))
    }

    @Test("settled across restacking: a raised window keeps its last change, a hidden one is forgotten, one shown again or newly mapped changed then")
    func settlingAcrossRestacking() throws {
        let bench = Bench()
        let scene = bench.compositor.scene
        let a = try #require(bench.mappedWindow(1).surface), b = try #require(bench.mappedWindow(2).surface)
        let c = try #require(bench.mappedWindow(3).surface)
        let tracker = SettleTracker(scene: scene, now: 1_000)
        #expect([a, b, c].map { tracker.lastChange(of: $0) } == [1_000, 1_000, 1_000])
        // b changes and a is raised (a restack, not a change of a) before the next observation.
        bench.commit(b, 120, 80)
        scene.raise(a)
        tracker.observe(scene, now: 2_000)
        #expect([a, b, c].map { tracker.lastChange(of: $0) } == [1_000, 2_000, 1_000])
        #expect(tracker.outputChangedAt == 2_000)
        // In the new order: c changes, the others do not.
        bench.commit(c, 90, 90)
        tracker.observe(scene, now: 3_000)
        #expect([a, b, c].map { tracker.lastChange(of: $0) } == [1_000, 2_000, 3_000])
        #expect(tracker.verdict(window: a, quietNanoseconds: 500, now: 3_000) == .settled)
        #expect(tracker.verdict(window: c, quietNanoseconds: 500, now: 3_000) == .quietAt(3_500))
        // Hidden (minimized): not mapped any more; shown again: changed then.
        scene.setHidden(b, true)
        tracker.observe(scene, now: 4_000)
        #expect(tracker.lastChange(of: b) == nil)
        #expect(tracker.verdict(window: b, quietNanoseconds: 500, now: 4_000) == .windowNotMapped)
        #expect([a, c].map { tracker.lastChange(of: $0) } == [1_000, 3_000])
        scene.setHidden(b, false)
        let d = try #require(bench.mappedWindow(4).surface)
        tracker.observe(scene, now: 5_000)
        #expect([a, b, c, d].map { tracker.lastChange(of: $0) } == [1_000, 5_000, 3_000, 5_000])
        // Observations with nothing changed change nothing.
        tracker.observe(scene, now: 6_000)
        tracker.observe(scene, now: 7_000)
        #expect([a, b, c, d].map { tracker.lastChange(of: $0) } == [1_000, 5_000, 3_000, 5_000])
        #expect(tracker.outputChangedAt == 5_000)
    }

    @Test("settled with one window changing between observations (the tracker's fast path) and with several: each window keeps its own last change")
    func settlingOneOrSeveralChanges() throws {
        let bench = Bench()
        let scene = bench.compositor.scene
        let surfaces = try (1...6).map { try #require(bench.mappedWindow(UInt64($0)).surface) }
        let tracker = SettleTracker(scene: scene, now: 1_000)
        for (step, surface) in surfaces.enumerated() {   // one window committing per observation, each in turn
            surface.pending.bufferDamage.add(Rect(x: 0, y: 0, width: 10, height: 10))
            bench.compositor.commit(surface.commitTree())
            tracker.observe(scene, now: UInt64(2_000 + 100 * step))
        }
        #expect(surfaces.map { tracker.lastChange(of: $0) } == [2_000, 2_100, 2_200, 2_300, 2_400, 2_500])
        // A commit that changes nothing, then two windows changing before one observation.
        bench.commit(surfaces[0], 100, 100)
        tracker.observe(scene, now: 3_000)
        #expect(tracker.lastChange(of: surfaces[0]) == 2_000)
        bench.commit(surfaces[1], 50, 50)
        bench.commit(surfaces[4], 50, 50)
        tracker.observe(scene, now: 4_000)
        #expect(surfaces.map { tracker.lastChange(of: $0) } == [2_000, 4_000, 2_200, 2_300, 4_000, 2_500])
        // A hidden window changing, then one shown: the stack changed.
        scene.setHidden(surfaces[2], true)
        bench.commit(surfaces[2], 60, 60)
        tracker.observe(scene, now: 5_000)
        #expect(tracker.lastChange(of: surfaces[2]) == nil)
        bench.commit(surfaces[5], 70, 70)
        tracker.observe(scene, now: 6_000)
        #expect(surfaces.map { tracker.lastChange(of: $0) } == [2_000, 4_000, nil, 2_300, 4_000, 6_000])
    }

    @Test("an output is named SEAWALL-N in any case; a window is on the outputs its geometry overlaps, none while minimized or unmapped")
    func outputs() throws {
        let areas = try OutputSpec.layout([OutputSpec(width: 640, height: 480),
                                           OutputSpec(width: 400, height: 300, scale: OutputScale(integer: 2), position: (640, 100))]).get()
        let compositor = Compositor(outputs: areas, frameClock: FrameClock(mode: .manual, pacing: .immediate))
        let events = EventRecorder()
        compositor.events = events
        #expect(compositor.output(named: "SEAWALL-2")?.index == 1)
        #expect(compositor.output(named: "seawall-1")?.index == 0)
        for wrong in ["SEAWALL-3", "SEAWALL-0", "2", "", "SEAWALL-1 "] { #expect(compositor.output(named: wrong) == nil, "\(wrong)") }

        func window(_ id: UInt64) throws -> (Window, Surface) {
            let surface = Surface(id: id, client: ClientID(1))
            compositor.surfaceCreated(surface)
            let window = Window(surface: surface)
            compositor.addWindow(window)
            return (window, surface)
        }
        let (window, surface) = try window(1)
        #expect(compositor.outputs(ofWindow: window).isEmpty, "not mapped yet")
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        compositor.commit(surface.commitTree())
        #expect(compositor.outputs(ofWindow: window).map(\.index) == [0])
        // Straddling the edge at x 640, below SEAWALL-2's top (y 100): on both.
        compositor.place(surface, x: 600, y: 150)
        #expect(compositor.outputs(ofWindow: window).map(\.index) == [0, 1])
        // Beside SEAWALL-2 but above its top edge: only on SEAWALL-1 (x 600…700 overlaps it, y 0…80 does not overlap SEAWALL-2).
        compositor.place(surface, x: 600, y: 0)
        #expect(compositor.outputs(ofWindow: window).map(\.index) == [0])
        // Wholly on SEAWALL-2; then in the gap below SEAWALL-2 and right of SEAWALL-1: on none.
        compositor.place(surface, x: 700, y: 200)
        #expect(compositor.outputs(ofWindow: window).map(\.index) == [1])
        compositor.place(surface, x: 700, y: 500)
        #expect(compositor.outputs(ofWindow: window).isEmpty)
        compositor.place(surface, x: 700, y: 200)
        #expect(compositor.minimize(window))
        #expect(compositor.outputs(ofWindow: window).isEmpty, "a minimized window is shown on no output")
    }

    @Test("frames are stepped only in manual mode, 1 to 1000 at a time")
    func stepping() {
        #expect(FrameStepping.refusal(count: 1, mode: .manual) == nil)
        #expect(FrameStepping.refusal(count: 1000, mode: .manual) == nil)
        #expect(FrameStepping.refusal(count: 0, mode: .manual) != nil)
        #expect(FrameStepping.refusal(count: 1001, mode: .manual) != nil)
        #expect(FrameStepping.refusal(count: 1, mode: .interval(hz: 60))?.contains("60 Hz") == true)
        #expect(FrameStepping.refusal(count: 1, mode: .onCommit) != nil)
        #expect(FrameStepping.refusal(count: 1, mode: .display) != nil)
    }
}
