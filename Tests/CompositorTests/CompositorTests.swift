import Compositor
import Testing

/// A buffer that counts its locks, standing in for a wl_shm buffer.
final class CountingBuffer: ClientBuffer {
    let width: Int32, height: Int32
    var stride: Int32 { width * 4 }
    let format = PixelFormat.xrgb8888
    var locks = 0
    var releases = 0
    init(_ width: Int32, _ height: Int32) { self.width = width; self.height = height }
    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? { nil }
    func lock() { locks += 1 }
    func unlock() { locks -= 1; if locks == 0 { releases += 1 } }
}

/// A frame callback (`discardsWhenReplaced` false, like wl_callback) or presentation feedback (true).
final class CallbackRecorder: FrameCallbackSink {
    let discardsWhenReplaced: Bool
    var times: [UInt32] = []
    var discards = 0
    init(discardsWhenReplaced: Bool = false) { self.discardsWhenReplaced = discardsWhenReplaced }
    func presented(_ frame: FramePresentation) { times.append(frame.milliseconds) }
    func replacedByLaterCommit() -> Bool {
        if discardsWhenReplaced { discards += 1 }
        return discardsWhenReplaced
    }
    func discarded() { discards += 1 }
    func notDisplayed() -> Bool { replacedByLaterCommit() }
}

struct RegionTests {
    @Test func addingARectAlreadyCoveredChangesNothingAndInPlaceClippingKeepsWhatIsInside() {
        var region = Region(Rect(x: 0, y: 0, width: 10, height: 10))
        region.add(Rect(x: 20, y: 0, width: 10, height: 10))
        region.add(Rect(x: 2, y: 2, width: 5, height: 5))   // inside the first
        #expect(region.rects == [Rect(x: 0, y: 0, width: 10, height: 10), Rect(x: 20, y: 0, width: 10, height: 10)])
        region.add(Rect(x: 5, y: 0, width: 20, height: 10))   // across both
        #expect(region.area == 300)
        var clipped = region
        clipped.formIntersection(Rect(x: 8, y: 5, width: 15, height: 20))
        #expect(clipped == region.intersection(Rect(x: 8, y: 5, width: 15, height: 20)))
        #expect(clipped.area == 15 * 5)
        clipped.formIntersection(Rect(x: 100, y: 100, width: 1, height: 1))
        #expect(clipped.isEmpty)
        region.removeAll(keepingCapacity: true)
        #expect(region.isEmpty && region.area == 0)
    }

    @Test func addingOverlappingRectsKeepsThemDisjoint() {
        var region = Region(Rect(x: 0, y: 0, width: 10, height: 10))
        region.add(Rect(x: 5, y: 5, width: 10, height: 10))
        #expect(region.area == 100 + 100 - 25)
        for a in region.rects { for b in region.rects where a != b { #expect(!a.intersects(b)) } }
        #expect(region.contains(x: 14, y: 14))
        #expect(!region.contains(x: 14, y: 0))
    }

    @Test func subtractingCutsAHole() {
        var region = Region(Rect(x: 0, y: 0, width: 10, height: 10))
        region.subtract(Rect(x: 2, y: 2, width: 3, height: 3))
        #expect(region.area == 91)
        #expect(!region.contains(x: 3, y: 3))
        #expect(region.contains(x: 1, y: 3))
    }

    @Test func simplifiedCollapsesManyRectsToTheirBounds() {
        var region = Region()
        for i in 0..<40 { region.add(Rect(x: Int64(i) * 3, y: 0, width: 1, height: 1)) }
        #expect(region.rects.count == 40)
        let simple = region.simplified(maxRects: 32)
        #expect(simple.rects == [Rect(x: 0, y: 0, width: 118, height: 1)])
        #expect(region.simplified(maxRects: 64).rects.count == 40)
    }

    @Test func wireValuesAreWidenedBeforeArithmetic() {
        let r = Rect.wire(Int32.max, Int32.max, Int32.max, Int32.max)
        #expect(r.maxX == Int64(Int32.max) * 2)
        #expect(Rect.wire(0, 0, -5, 3).isEmpty)
    }
}

struct SurfaceTests {
    @Test func bufferIsLockedWhileCurrentAndReleasedWhenReplaced() {
        let surface = Surface(id: 1)
        let a = CountingBuffer(10, 10), b = CountingBuffer(10, 10)
        surface.pending.buffer = .attach(a)
        _ = surface.commit()
        #expect(a.locks == 1 && a.releases == 0)
        surface.pending.buffer = .attach(b)
        _ = surface.commit()
        #expect(a.locks == 0 && a.releases == 1, "replaced buffer is released")
        #expect(b.locks == 1)
        surface.pending.buffer = .attach(b)   // the same buffer again: stays locked, no release
        _ = surface.commit()
        #expect(b.locks == 1 && b.releases == 0)
        surface.tearDown()
        #expect(b.releases == 1)
    }

    @Test func pendingStateOnlyAppliesOnCommit() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(20, 10))
        surface.pending.opaqueRegion = .some(Region(Rect(x: 0, y: 0, width: 5, height: 5)))
        #expect(!surface.hasBuffer)
        #expect(surface.opaqueRegion.isEmpty)
        let effect = surface.commit()
        #expect(surface.width == 20 && surface.height == 10)
        #expect(surface.opaqueRegion.area == 25)
        #expect(effect.sizeChanged && effect.hasBuffer)
        // A later commit without a new opaque region keeps the current one.
        _ = surface.commit()
        #expect(surface.opaqueRegion.area == 25)
        surface.pending.opaqueRegion = .some(nil)
        _ = surface.commit()
        #expect(surface.opaqueRegion.isEmpty)
    }

    @Test func damageIsClippedToTheBuffer() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(20, 10))
        surface.pending.surfaceDamage.add(Rect(x: 15, y: 5, width: 100, height: 100))
        let effect = surface.commit()
        #expect(effect.damage.rects == [Rect(x: 15, y: 5, width: 5, height: 5)])
    }

    @Test func frameCallbacksWaitForTheirCommit() {
        let surface = Surface(id: 1)
        let callback = CallbackRecorder()
        surface.pending.frameCallbacks.append(callback)
        #expect(surface.takeFrameCallbacks().isEmpty, "not committed yet")
        _ = surface.commit()
        let ready = surface.takeFrameCallbacks()
        #expect(ready.count == 1)
        #expect(surface.takeFrameCallbacks().isEmpty, "handed out once")
    }

    @Test func aLaterCommitDiscardsFeedbackButKeepsFrameCallbacks() {
        let surface = Surface(id: 1)
        let firstFeedback = CallbackRecorder(discardsWhenReplaced: true), firstFrame = CallbackRecorder()
        surface.pending.frameCallbacks = [firstFeedback, firstFrame]
        _ = surface.commit()
        let secondFeedback = CallbackRecorder(discardsWhenReplaced: true)
        surface.pending.frameCallbacks = [secondFeedback]
        _ = surface.commit()   // before any frame: replaces the first commit
        let ready = surface.takeFrameCallbacks()
        #expect(ready.map(ObjectIdentifier.init) == [firstFrame, secondFeedback].map(ObjectIdentifier.init))
        #expect(firstFeedback.discards == 1 && secondFeedback.discards == 0 && firstFrame.discards == 0)
    }

    @Test func tearDownDiscardsCurrentCachedAndPendingSinks() {
        let parent = Surface(id: 1), child = Surface(id: 2)
        parent.addSubsurface(child)
        _ = parent.commitTree()
        let current = CallbackRecorder(), cached = CallbackRecorder(discardsWhenReplaced: true), pending = CallbackRecorder()
        child.synchronized = false
        child.pending.frameCallbacks = [current]
        _ = child.commitTree()
        child.synchronized = true
        child.pending.frameCallbacks = [cached]
        child.cacheCommit()
        child.pending.frameCallbacks = [pending]
        child.tearDown()
        #expect([current.discards, cached.discards, pending.discards] == [1, 1, 1])
        #expect(child.takeFrameCallbacks().isEmpty)
    }
}

struct SceneTests {
    func mapped(_ scene: Scene, _ width: Int32, _ height: Int32) -> Surface {
        let surface = Surface(id: 1)
        scene.addView(for: surface)
        surface.pending.buffer = .attach(CountingBuffer(width, height))
        scene.apply(surface.commit(), to: surface)
        return surface
    }

    @Test func clientOffsetsAddUpToABoundNotAnOverflow() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let surface = mapped(scene, 10, 10)
        for _ in 0..<10_000 {
            surface.pending.offsetX = Int64(Int32.max)
            surface.pending.offsetY = Int64(Int32.min)
            scene.apply(surface.commit(), to: surface)
        }
        let view = scene.view(for: surface)
        #expect(view?.x == maxCoordinate && view?.y == -maxCoordinate)
        #expect(Int64.max.offset(by: Int64(Int32.max)) == maxCoordinate)
    }

    @Test func displayedSurfacesAreThoseDrawnAtLeastPartlyOnTheOutput() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let window = mapped(scene, 100, 50)
        let inside = Surface(id: 2), outside = Surface(id: 3), bufferless = Surface(id: 4)
        for (child, x) in [(inside, Int64(-40)), (outside, Int64(700)), (bufferless, Int64(0))] {
            window.addSubsurface(child)
            child.setPendingPosition(x: x, y: 0)
            if child !== bufferless {
                child.pending.buffer = .attach(CountingBuffer(10, 10))
                child.cacheCommit()
            }
        }
        // The window is at (32, 32): `inside` reaches from x = -8 to 2, `outside` starts at 732.
        for (surface, effect) in window.commitTree() { scene.apply(effect, to: surface) }
        #expect(scene.displayedSurfaces() == [ObjectIdentifier(window), ObjectIdentifier(inside)])
        let unmapped = Surface(id: 5)
        scene.addView(for: unmapped)
        #expect(scene.displayedSurfaces().count == 2, "a view without a buffer shows nothing")
    }

    @Test func cascadePlacesWindowsDiagonallyAndWrapsEvery8() {
        let p = CascadePlacement()
        #expect(p.position(index: 0, width: 100, height: 100, outputWidth: 1000, outputHeight: 1000) == (32, 32))
        #expect(p.position(index: 1, width: 100, height: 100, outputWidth: 1000, outputHeight: 1000) == (80, 80))
        #expect(p.position(index: 8, width: 100, height: 100, outputWidth: 1000, outputHeight: 1000) == (32, 32))
        // Too big to fit at its slot: moved left/up, never past the origin.
        #expect(p.position(index: 3, width: 900, height: 2000, outputWidth: 1000, outputHeight: 1000) == (100, 0))
    }

    @Test func mappingDamagesTheWindowAndUnmappingDamagesWhereItWas() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        #expect(scene.takeDamage().rects == [scene.outputRect], "the first frame paints everything")
        let surface = mapped(scene, 100, 50)
        #expect(scene.takeDamage().rects == [Rect(x: 32, y: 32, width: 100, height: 50)])
        #expect(scene.items().count == 1)
        surface.pending.buffer = .detach
        scene.apply(surface.commit(), to: surface)
        #expect(scene.takeDamage().rects == [Rect(x: 32, y: 32, width: 100, height: 50)])
        #expect(scene.items().isEmpty)
    }

    @Test func surfaceDamageBecomesOutputDamageAtTheWindowsPosition() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let surface = mapped(scene, 100, 50)
        scene.place(surface, x: 200, y: 100)
        _ = scene.takeDamage()
        surface.pending.surfaceDamage.add(Rect(x: 10, y: 10, width: 5, height: 5))
        scene.apply(surface.commit(), to: surface)
        #expect(scene.takeDamage().rects == [Rect(x: 210, y: 110, width: 5, height: 5)])
    }

    @Test func placeDamagesOldAndNewBoundsAndRaiseReorders() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let a = mapped(scene, 100, 100)
        let b = mapped(scene, 100, 100)
        _ = scene.takeDamage()
        scene.place(a, x: 300, y: 300)
        #expect(scene.takeDamage().area == 2 * 100 * 100)
        #expect(scene.items().map { $0.x } == [300, 80])
        scene.raise(a)
        #expect(scene.mappedViews.last?.surface === a)
        #expect(scene.surface(atX: 350, y: 350)?.surface === a)
        #expect(scene.surface(atX: 90, y: 90)?.surface === b)
    }

    @Test func damageIsClippedToTheOutput() {
        let scene = Scene(outputWidth: 100, outputHeight: 100)
        _ = scene.takeDamage()
        scene.addDamage(Rect(x: 90, y: -10, width: 50, height: 20))
        #expect(scene.takeDamage().rects == [Rect(x: 90, y: 0, width: 10, height: 10)])
    }
}
