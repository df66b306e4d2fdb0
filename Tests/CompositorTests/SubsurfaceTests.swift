import Compositor
import Testing

/// wl_subsurface semantics on the pure state: synchronized caching, order and position applied with the
/// parent's commit, and what the scene draws.
struct SubsurfaceTests {
    func withBuffer(_ surface: Surface, _ w: Int32, _ h: Int32) -> CountingBuffer {
        let buffer = CountingBuffer(w, h)
        surface.pending.buffer = .attach(buffer)
        return buffer
    }

    @Test func synchronizedCommitsWaitForTheParent() {
        let parent = Surface(id: 1), child = Surface(id: 2)
        _ = withBuffer(parent, 100, 100)
        _ = parent.commitTree()
        parent.addSubsurface(child)
        _ = parent.commitTree()   // the child joins the stack with this commit
        #expect(parent.childrenAbove.map(\.id) == [2])

        let buffer = withBuffer(child, 10, 10)
        #expect(child.isEffectivelySynchronized)
        child.cacheCommit()
        #expect(!child.hasBuffer, "cached, not applied")
        #expect(buffer.locks == 1, "held while cached")
        let effects = parent.commitTree()
        #expect(child.hasBuffer && child.width == 10)
        #expect(effects.map(\.surface.id) == [1, 2])
        #expect(buffer.locks == 1, "one lock: the current buffer's")
    }

    @Test func aBufferReplacedWhileCachedIsReleased() {
        let parent = Surface(id: 1), child = Surface(id: 2)
        parent.addSubsurface(child)
        _ = parent.commitTree()
        let first = withBuffer(child, 10, 10)
        child.cacheCommit()
        let second = withBuffer(child, 10, 10)
        child.cacheCommit()
        #expect(first.releases == 1 && first.locks == 0)
        _ = parent.commitTree()
        #expect(second.locks == 1)
    }

    @Test func desyncAppliesAtOnceAndNestedSyncFollowsTheAncestor() {
        let root = Surface(id: 1), middle = Surface(id: 2), leaf = Surface(id: 3)
        root.addSubsurface(middle)
        middle.addSubsurface(leaf)
        _ = root.commitTree(); _ = middle.commitTree()
        leaf.synchronized = false
        #expect(leaf.isEffectivelySynchronized, "its parent is synchronized, so it is too")
        middle.synchronized = false
        #expect(!leaf.isEffectivelySynchronized)
    }

    @Test func aSubsurfaceRemovedKeepsItsOwnChildrenAndBringsThemBack() {
        let root = Surface(id: 1), middle = Surface(id: 2), leaf = Surface(id: 3)
        for surface in [root, middle, leaf] { _ = withBuffer(surface, 10, 10) }
        root.addSubsurface(middle)
        middle.addSubsurface(leaf)
        for surface in [leaf, middle, root] { surface.synchronized = false; _ = surface.commitTree() }
        #expect(root.flattened().map(\.surface.id) == [1, 2, 3])
        middle.removeFromParent()   // wl_subsurface.destroy on middle
        #expect(root.flattened().map(\.surface.id) == [1])
        #expect(middle.childrenAbove.map(\.id) == [3] && leaf.parent === middle, "the leaf stays middle's")
        root.addSubsurface(middle)  // a new wl_subsurface for middle
        _ = root.commitTree()
        #expect(root.flattened().map(\.surface.id) == [1, 2, 3])
    }

    @Test func aDestroyedParentOrphansChildrenStillWaitingToJoin() {
        let parent = Surface(id: 1), joined = Surface(id: 2), waiting = Surface(id: 3)
        parent.addSubsurface(joined)
        _ = parent.commitTree()
        parent.addSubsurface(waiting)   // joins with the parent's next commit, which never comes
        parent.tearDown()
        #expect(joined.parent == nil && waiting.parent == nil)
        #expect(!waiting.isEffectivelySynchronized)
    }

    @Test func stateCachedBeforeTheParentWentIsAppliedWithTheNextCommit() {
        let parent = Surface(id: 1), child = Surface(id: 2)
        parent.addSubsurface(child)
        _ = parent.commitTree()
        let buffer = withBuffer(child, 10, 10)
        child.cacheCommit()
        parent.tearDown()           // the cache can no longer be applied by the parent's commit
        #expect(!child.isEffectivelySynchronized && !child.hasBuffer)
        child.pending.surfaceDamage.add(Rect(x: 0, y: 0, width: 1, height: 1))
        let effects = child.commitUnsynchronized()
        #expect(child.hasBuffer && child.width == 10, "the cached buffer is applied")
        #expect(effects.map(\.surface.id) == [2])
        #expect(buffer.locks == 1, "one lock: the current buffer's")
    }

    @Test func positionAndOrderChangeWithTheParentsCommit() {
        let parent = Surface(id: 1), a = Surface(id: 2), b = Surface(id: 3)
        _ = withBuffer(parent, 100, 100)
        parent.addSubsurface(a)
        parent.addSubsurface(b)
        _ = parent.commitTree()
        #expect(parent.childrenAbove.map(\.id) == [2, 3])
        #expect(a.restack(above: false, relativeTo: parent))
        #expect(b.restack(above: true, relativeTo: parent) && parent.childrenAbove.map(\.id) == [2, 3], "pending only")
        a.setPendingPosition(x: 5, y: 7)
        #expect(a.positionX == 0)
        let effect = parent.commitTree()[0].effect
        #expect(effect.subsurfacesMoved)
        #expect(parent.childrenBelow.map(\.id) == [2] && parent.childrenAbove.map(\.id) == [3])
        #expect(a.positionX == 5 && a.positionY == 7)
        let unrelated = Surface(id: 9)
        #expect(!a.restack(above: true, relativeTo: unrelated), "not a sibling: refused")
    }

    @Test func flattenedDrawsBelowSelfAboveWithOffsets() {
        let parent = Surface(id: 1), below = Surface(id: 2), above = Surface(id: 3)
        _ = withBuffer(parent, 100, 100)
        parent.addSubsurface(below)
        parent.addSubsurface(above)
        _ = below.restack(above: false, relativeTo: parent)
        below.setPendingPosition(x: -10, y: -10)
        above.setPendingPosition(x: 50, y: 60)
        _ = parent.commitTree()
        _ = withBuffer(below, 20, 20); below.cacheCommit()
        _ = withBuffer(above, 30, 30); above.cacheCommit()
        _ = parent.commitTree()
        let drawn = parent.flattened(x: 100, y: 100).map { ($0.surface.id, $0.x, $0.y) }
        #expect(drawn.map(\.0) == [2, 1, 3])
        #expect(drawn.map(\.1) == [90, 100, 150] && drawn.map(\.2) == [90, 100, 160])
        #expect(parent.treeBounds == Rect(x: -10, y: -10, width: 110, height: 110))
    }

    @Test func sceneDrawsSubsurfacesAndDamagesThemWhereTheyAre() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let parent = Surface(id: 1), child = Surface(id: 2)
        scene.addView(for: parent)
        _ = withBuffer(parent, 100, 100)
        parent.addSubsurface(child)
        child.setPendingPosition(x: 10, y: 20)
        for (s, e) in parent.commitTree() { scene.apply(e, to: s) }
        _ = withBuffer(child, 30, 30)
        child.cacheCommit()
        for (s, e) in parent.commitTree() { scene.apply(e, to: s) }
        #expect(scene.items().map(\.x) == [32, 42] && scene.items().map(\.y) == [32, 52])
        _ = scene.takeDamage()
        child.pending.surfaceDamage.add(Rect(x: 0, y: 0, width: 5, height: 5))
        child.cacheCommit()
        for (s, e) in parent.commitTree() { scene.apply(e, to: s) }
        let damage = scene.takeDamage()
        #expect(damage.contains(Rect(x: 42, y: 52, width: 5, height: 5)))
        child.removeFromParent()
        scene.treeChanged(parent)
        #expect(scene.takeDamage().contains(Rect(x: 42, y: 52, width: 30, height: 30)), "where the subsurface was")
        #expect(scene.items().count == 1)
    }
}
