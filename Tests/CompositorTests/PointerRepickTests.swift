import Compositor
import Testing

/// After a commit the pointer is re-picked only where the scene changed what the hit test finds
/// (`Scene.hitTestChanges`, `Compositor.sceneChanged(byCommit:)`): these check both halves, that a commit
/// which can change the focus re-picks it at once and that one of new pixels only marks nothing.
struct PointerRepickTests {
    /// A bench with a pointer at (200, 50) and window 1 (100×100 at its cascade place, (32, 32)) beside it.
    func setUp() -> (Bench, Window) {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        let window = bench.mappedWindow(1)
        bench.compositor.movePointer(toX: 200, y: 50)
        _ = bench.events.take()
        _ = bench.compositor.scene.takeHitTestChanges()
        return (bench, window)
    }

    @Test func aCommitOfNewPixelsOnlySendsNothing() throws {
        let (bench, window) = setUp()
        let surface = try #require(window.surface)
        bench.compositor.movePointer(toX: 40, y: 50)
        #expect(bench.events.take() == ["pointer enter 1 8.0,18.0"])
        surface.pending.bufferDamage.add(Rect(x: 0, y: 0, width: 10, height: 10))
        bench.compositor.commit(surface.commitTree())
        bench.commit(surface, 100, 100)   // a new buffer of the same size
        #expect(bench.events.take().isEmpty)
        #expect(bench.compositor.pointerFocusSurface === surface)
    }

    @Test func aCommitThatGrowsTheWindowUnderThePointerEntersAtOnce() throws {
        let (bench, window) = setUp()
        let surface = try #require(window.surface)
        bench.commit(surface, 200, 100)
        #expect(bench.events.take() == ["pointer enter 1 168.0,18.0"], "entered while the commit is handled")
        bench.commit(surface, 100, 100)
        #expect(bench.events.take() == ["pointer leave 1"])
    }

    @Test func aNewInputRegionAndAnOffsetRepickAtOnce() throws {
        let (bench, window) = setUp()
        let surface = try #require(window.surface)
        bench.compositor.movePointer(toX: 40, y: 50)
        _ = bench.events.take()
        surface.pending.inputRegion = .some(Region(Rect(x: 50, y: 0, width: 50, height: 100)))
        bench.compositor.commit(surface.commitTree())
        #expect(bench.events.take() == ["pointer leave 1"], "outside the new input region")
        surface.pending.inputRegion = .some(nil)
        bench.compositor.commit(surface.commitTree())
        #expect(bench.events.take() == ["pointer enter 1 8.0,18.0"])
        surface.pending.offsetX = -4
        surface.pending.offsetY = -2
        bench.compositor.commit(surface.commitTree())
        #expect(bench.events.take() == ["pointer motion 1 12.0,20.0"], "the window moved under the still pointer")
    }

    /// The scene alone (the compositor takes the changes at every scene change): a window mapped at (10, 20).
    func sceneWindow(_ scene: Scene, id: UInt64, at x: Int64, _ y: Int64) -> Surface {
        let surface = Surface(id: id)
        scene.addView(for: surface)
        scene.place(surface, x: x, y: y)
        surface.pending.buffer = .attach(CountingBuffer(100, 100))
        for (s, e) in surface.commitTree() { scene.apply(e, to: s) }
        return surface
    }

    @Test func newPixelsMarkNothingAndEveryChangeOfShapePlaceInputOrStackMarksItsOldAndNewExtent() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let surface = sceneWindow(scene, id: 1, at: 10, 20)
        #expect(scene.takeHitTestChanges() == Rect(x: 10, y: 20, width: 100, height: 100), "mapped")
        func commit(_ change: (Surface) -> Void) {
            change(surface)
            for (s, e) in surface.commitTree() { scene.apply(e, to: s) }
        }
        commit { $0.pending.bufferDamage.add(Rect(x: 0, y: 0, width: 10, height: 10)) }
        commit { $0.pending.buffer = .attach(CountingBuffer(100, 100)) }
        commit { $0.pending.opaqueRegion = .some(Region(Rect(x: 0, y: 0, width: 5, height: 5))) }
        #expect(scene.hitTestChanges.isEmpty, "damage, a new buffer of the same size, an opaque region")
        commit { $0.pending.buffer = .attach(CountingBuffer(50, 40)) }
        #expect(scene.takeHitTestChanges() == Rect(x: 10, y: 20, width: 100, height: 100), "the old extent holds the new one")
        commit { $0.pending.inputRegion = .some(Region()) }
        #expect(scene.takeHitTestChanges() == Rect(x: 10, y: 20, width: 50, height: 40))
        commit { $0.pending.offsetX = 5 }
        #expect(scene.takeHitTestChanges() == Rect(x: 10, y: 20, width: 55, height: 40))
        scene.place(surface, x: 300, y: 200)
        #expect(scene.takeHitTestChanges() == Rect(x: 15, y: 20, width: 335, height: 220))
        let other = sceneWindow(scene, id: 2, at: 0, 0)
        _ = scene.takeHitTestChanges()
        scene.raise(surface)
        #expect(scene.takeHitTestChanges() == Rect(x: 300, y: 200, width: 50, height: 40))
        scene.setHidden(other, true)
        #expect(scene.takeHitTestChanges() == Rect(x: 0, y: 0, width: 100, height: 100))
        commit { $0.pending.buffer = .detach }
        #expect(scene.takeHitTestChanges() == Rect(x: 300, y: 200, width: 50, height: 40), "unmapped")
    }

    @Test func windowsCommittingAwayFromThePointerLeaveItsFocusAlone() throws {
        let (bench, window) = setUp()
        let surface = try #require(window.surface)
        let others = (2...8).map { bench.mappedWindow(UInt64($0)) }   // cascaded beside window 1's corner
        _ = bench.events.take()
        bench.compositor.movePointer(toX: 33, y: 33)   // only window 1 is there
        #expect(bench.events.take() == ["pointer enter 1 1.0,1.0"])
        for other in others { bench.commit(other.surface, 100, 100) }
        #expect(bench.events.take().isEmpty)
        #expect(bench.compositor.pointerFocusSurface === surface)
    }
}
