import Compositor
import Testing

/// `Scene.surface(atX:y:)`, the one hit test the seat uses for pointer and touch: windows topmost first,
/// each window's surface tree topmost first, input regions, unmapped windows.
struct HitTestTests {
    /// A window of `width`×`height` at (x, y), committed and mapped.
    func window(_ scene: Scene, id: UInt64, _ width: Int32, _ height: Int32, at x: Int64, _ y: Int64) -> Surface {
        let surface = Surface(id: id)
        scene.addView(for: surface)
        scene.place(surface, x: x, y: y)
        surface.pending.buffer = .attach(CountingBuffer(width, height))
        for (s, e) in surface.commitTree() { scene.apply(e, to: s) }
        return surface
    }

    @Test func theTopmostWindowWinsAndItsOriginComesBack() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let low = window(scene, id: 1, 100, 100, at: 0, 0)
        let high = window(scene, id: 2, 100, 100, at: 50, 50)
        let hit = scene.surface(atX: 60, y: 70)
        #expect(hit?.surface === high && hit?.x == 50 && hit?.y == 50)
        #expect(scene.surface(atX: 10, y: 10)?.surface === low)
        #expect(scene.surface(atX: 150, y: 150) == nil, "the window's right and bottom edges are outside it")
        #expect(scene.surface(atX: 149, y: 149)?.surface === high)
        scene.raise(low)
        #expect(scene.surface(atX: 60, y: 70)?.surface === low)
    }

    @Test func aPointOutsideTheInputRegionGoesToWhatIsBelow() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let low = window(scene, id: 1, 100, 100, at: 0, 0)
        let high = window(scene, id: 2, 100, 100, at: 0, 0)
        high.pending.inputRegion = .some(Region(Rect(x: 0, y: 0, width: 10, height: 10)))
        for (s, e) in high.commitTree() { scene.apply(e, to: s) }
        #expect(scene.surface(atX: 5, y: 5)?.surface === high)
        #expect(scene.surface(atX: 50, y: 50)?.surface === low)
        high.pending.inputRegion = .some(Region())   // an empty region: no input at all
        for (s, e) in high.commitTree() { scene.apply(e, to: s) }
        #expect(scene.surface(atX: 5, y: 5)?.surface === low)
        high.pending.inputRegion = .some(nil)        // reset: the whole surface again
        for (s, e) in high.commitTree() { scene.apply(e, to: s) }
        #expect(scene.surface(atX: 50, y: 50)?.surface === high)
    }

    @Test func subsurfacesAboveAndBelowTheirParentAreHitInDrawingOrder() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let parent = window(scene, id: 1, 100, 100, at: 100, 100)
        let above = Surface(id: 2), below = Surface(id: 3)
        parent.addSubsurface(above)
        parent.addSubsurface(below)
        #expect(below.restack(above: false, relativeTo: parent))
        above.setPendingPosition(x: 80, y: 80)
        below.setPendingPosition(x: -20, y: -20)
        for child in [above, below] {
            child.pending.buffer = .attach(CountingBuffer(40, 40))
            child.cacheCommit()
        }
        for (s, e) in parent.commitTree() { scene.apply(e, to: s) }
        let onAbove = scene.surface(atX: 185, y: 185)
        #expect(onAbove?.surface === above && onAbove?.x == 180 && onAbove?.y == 180, "above the parent's content")
        #expect(scene.surface(atX: 110, y: 110)?.surface === parent, "the parent covers the subsurface below it")
        let onBelow = scene.surface(atX: 85, y: 85)
        #expect(onBelow?.surface === below && onBelow?.x == 80 && onBelow?.y == 80, "where only the lower one is")
        #expect(scene.surface(atX: 215, y: 215)?.surface === above, "outside the parent, inside the subsurface")
    }

    @Test func unmappedWindowsAndSurfacesWithoutBuffersAreNotHit() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let surface = window(scene, id: 1, 100, 100, at: 0, 0)
        let pending = Surface(id: 2)
        scene.addView(for: pending)   // a role, no buffer yet
        #expect(scene.surface(atX: 0, y: 0)?.surface === surface)
        surface.pending.buffer = .detach
        for (s, e) in surface.commitTree() { scene.apply(e, to: s) }
        #expect(scene.surface(atX: 0, y: 0) == nil)
    }
}
