import Compositor
import Testing

/// The pointer constraint policy without a server (PointerConstraints.swift): when a lock or confinement
/// activates and ends, what it does to relative and absolute moves, its double-buffered region and hint, the
/// lifetimes, and the refusals.
struct PointerConstraintTests {
    /// A 640×480 output with a pointer, window 1 at (0, 0) and window 2 at (300, 0), both 100×100; window 2
    /// mapped last, so it is active; the pointer at (50, 50) on window 1.
    func makeBench() -> (Bench, Surface, Surface) {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        let one = bench.mappedWindow(1), two = bench.mappedWindow(2)
        guard let a = one.surface, let b = two.surface else { preconditionFailure("mapped windows have surfaces") }
        bench.compositor.place(a, x: 0, y: 0)
        bench.compositor.place(b, x: 300, y: 0)
        bench.compositor.movePointer(toX: 50, y: 50)
        _ = bench.events.take()
        return (bench, a, b)
    }

    func constrain(_ bench: Bench, _ kind: PointerConstraint.Kind, _ surface: Surface, region: Region? = nil,
                   lifetime: PointerConstraint.Lifetime = .oneshot) throws -> PointerConstraint {
        let constraint = try bench.compositor.constrainPointer(kind, surface: surface, region: region, lifetime: lifetime.rawValue)
        bench.compositor.pointerConstraintReady(constraint)
        return constraint
    }

    /// A click where the pointer is: activates and raises the window under it.
    func click(_ bench: Bench) {
        bench.compositor.pointerButton(0x110, pressed: true)
        bench.compositor.pointerButton(0x110, pressed: false)
    }

    @Test func aLockWaitsForTheKeyboardFocusAndThenHoldsThePointerStill() throws {
        let (bench, one, _) = makeBench()
        let lock = try constrain(bench, .lock, one)
        #expect(!lock.isActive && bench.events.take().isEmpty, "window 2 is active: window 1's lock waits")
        click(bench)
        #expect(lock.isActive && bench.events.take().contains("locked 1"))
        bench.compositor.movePointer(byX: 30, y: -7.5)
        #expect(bench.events.take() == ["pointer relative 1 30.0,-7.5 unaccelerated 30.0,-7.5", "pointer frame 1"],
                "locked: relative motion and its frame, no wl_pointer.motion")
        #expect(bench.compositor.pointerX == 50 && bench.compositor.pointerY == 50)
        bench.compositor.movePointer(toX: 400, y: 10)
        #expect(bench.events.take().isEmpty && bench.compositor.pointerX == 50, "an absolute move does not move a locked pointer")
        #expect(bench.compositor.activePointerConstraint === lock)
    }

    @Test func aConfinementHoldsEveryMoveInsideTheRegionIntersectedWithTheInputRegion() throws {
        let (bench, one, _) = makeBench()
        click(bench)
        // The input region leaves out the top 20 rows; the constraint's region is x 10..<90, y 0..<60.
        one.pending.inputRegion = .some(Region(Rect(x: 0, y: 20, width: 100, height: 80)))
        bench.compositor.commit(one.commitTree())
        _ = bench.events.take()
        let confinement = try constrain(bench, .confine, one, region: Region(Rect(x: 10, y: 0, width: 80, height: 60)))
        #expect(confinement.isActive && bench.events.take() == ["confined 1"])
        bench.compositor.movePointer(byX: 500, y: 500)
        #expect(bench.compositor.pointerX == 89 && bench.compositor.pointerY == 59, "held at the region's last pixel")
        #expect(bench.events.take() == ["pointer relative 1 500.0,500.0 unaccelerated 500.0,500.0", "pointer motion 1 89.0,59.0"])
        bench.compositor.movePointer(byX: -500, y: -500)
        #expect(bench.compositor.pointerX == 10 && bench.compositor.pointerY == 20, "the input region's top edge, not the constraint's")
        bench.compositor.movePointer(toX: 600, y: 30)
        #expect(bench.compositor.pointerX == 89 && bench.compositor.pointerY == 30, "absolute moves are clamped too")
        bench.compositor.movePointer(byX: -4.5, y: 2.25)
        #expect(bench.compositor.pointerX == 84.5 && bench.compositor.pointerY == 32.25, "inside, a move goes where it was going")
    }

    @Test func aConfinementToTwoRectanglesHoldsThePointerInTheOneItIsIn() throws {
        let (bench, one, _) = makeBench()
        click(bench)
        var region = Region(Rect(x: 0, y: 0, width: 20, height: 20))
        region.add(Rect(x: 40, y: 40, width: 20, height: 20))
        bench.compositor.movePointer(toX: 10, y: 10)
        let confinement = try constrain(bench, .confine, one, region: region)
        #expect(confinement.isActive)
        bench.compositor.movePointer(byX: 2, y: 50)
        #expect(bench.compositor.pointerX == 12 && bench.compositor.pointerY == 19, "not to the other rectangle's nearer corner (40, 40)")
        bench.compositor.movePointer(byX: 38, y: 31)
        #expect(bench.compositor.pointerX == 50 && bench.compositor.pointerY == 50, "a move that lands in the other rectangle")
    }

    @Test func theRegionAndTheHintTakeEffectWithTheSurfacesCommit() throws {
        let (bench, one, _) = makeBench()
        click(bench)
        let confinement = try constrain(bench, .confine, one, region: Region(Rect(x: 0, y: 0, width: 10, height: 10)))
        #expect(!confinement.isActive, "the pointer at (50, 50) is outside the region: not yet")
        confinement.pendingRegion = .some(nil)
        #expect(!confinement.isActive && confinement.region != nil, "set_region waits for the commit")
        bench.compositor.commit(one.commitTree())
        #expect(confinement.isActive && confinement.region == nil, "an infinite region holds the pointer at once")

        let (other, surface, _) = makeBench()
        click(other)
        let lock = try constrain(other, .lock, surface)
        lock.pendingCursorHint = (12.5, 7)
        #expect(lock.cursorHint == nil)
        other.compositor.commit(surface.commitTree())
        #expect(lock.cursorHint.map { $0.x == 12.5 && $0.y == 7 } == true)
        other.compositor.removePointerConstraint(lock)
        #expect(other.compositor.pointerX == 12.5 && other.compositor.pointerY == 7, "an active lock destroyed: the pointer goes to the hint")
        #expect(surface.pointerConstraint == nil && other.compositor.activePointerConstraint == nil)
    }

    @Test func theLockWaitsUntilThePointerEntersTheRegion() throws {
        let (bench, one, _) = makeBench()
        click(bench)
        let lock = try constrain(bench, .lock, one, region: Region(Rect(x: 60, y: 60, width: 10, height: 10)))
        #expect(!lock.isActive)
        bench.compositor.movePointer(byX: 5, y: 5)
        #expect(!lock.isActive && bench.compositor.pointerX == 55)
        bench.compositor.movePointer(byX: 10, y: 10)
        #expect(lock.isActive && bench.compositor.pointerX == 65 && bench.compositor.pointerY == 65)
        #expect(bench.events.take().suffix(2) == ["pointer motion 1 65.0,65.0", "locked 1"])
    }

    @Test func aOneshotConstraintEndsForGoodWhileAPersistentOneComesBack() throws {
        for lifetime in [PointerConstraint.Lifetime.oneshot, .persistent] {
            let (bench, one, _) = makeBench()
            click(bench)
            let lock = try constrain(bench, .lock, one, lifetime: lifetime)
            #expect(lock.isActive)
            let three = bench.mappedWindow(3)   // comes up active: window 1 loses the keyboard focus
            #expect(!lock.isActive && bench.events.take().contains("unlocked 1"))
            let surface = three.surface
            bench.compositor.removeWindow(three)
            if let surface { bench.compositor.surfaceDestroyed(surface) }
            let relocked = bench.events.take().contains("locked 1")
            #expect(relocked == (lifetime == .persistent), "\(lifetime)")
            #expect(lock.isActive == (lifetime == .persistent) && lock.isSpent == (lifetime == .oneshot))
        }
    }

    @Test func leavingTheSurfaceOrAMoveGrabEndsTheConstraint() throws {
        let (bench, one, two) = makeBench()
        click(bench)
        let confinement = try constrain(bench, .confine, one, lifetime: .persistent)
        #expect(confinement.isActive)
        // The other window becomes active: window 1 loses the keyboard focus, and gets it back.
        if let window = bench.compositor.window(of: two) { bench.compositor.activate(window) }
        #expect(!confinement.isActive && bench.events.take().contains("unconfined 1"))
        if let window = bench.compositor.window(of: one) { bench.compositor.activate(window) }
        #expect(confinement.isActive && bench.events.take().contains("confined 1"))
        // A window moved under the pointer takes the pointer focus.
        bench.compositor.place(two, x: 0, y: 0)
        bench.compositor.raise(two)
        #expect(!confinement.isActive && bench.events.take().contains("unconfined 1"))
        bench.compositor.place(two, x: 300, y: 0)
        #expect(confinement.isActive && bench.events.take().contains("confined 1"))
        bench.compositor.surfaceDestroyed(one)
        #expect(!confinement.isActive && confinement.isSpent && confinement.surface == nil)
        #expect(bench.events.take().contains("unconfined 0"))
        bench.compositor.movePointer(byX: 400, y: 0)
        #expect(bench.compositor.pointerX == 450, "nothing holds the pointer any more")
    }

    @Test func aSurfaceHasOneConstraintAndALifetimeMustBeOne() throws {
        let (bench, one, two) = makeBench()
        let lock = try constrain(bench, .lock, one)
        #expect(throws: PointerConstraintError.self) { try bench.compositor.constrainPointer(.confine, surface: one, region: nil, lifetime: 1) }
        #expect(one.pointerConstraint === lock)
        #expect(throws: PointerConstraintError.self) { try bench.compositor.constrainPointer(.lock, surface: two, region: nil, lifetime: 0) }
        #expect(throws: PointerConstraintError.self) { try bench.compositor.constrainPointer(.lock, surface: two, region: nil, lifetime: 3) }
        #expect(two.pointerConstraint == nil)
        bench.compositor.removePointerConstraint(lock)
        #expect(try bench.compositor.constrainPointer(.confine, surface: one, region: nil, lifetime: 2).lifetime == .persistent,
                "once destroyed, the surface may be constrained again")
    }

    @Test func relativeMotionIsHeldToSaneNumbersAndRefusedWhenMeaningless() throws {
        let (bench, _, _) = makeBench()
        bench.compositor.movePointer(byX: .nan, y: -.infinity)
        #expect(bench.events.take().first == "pointer relative 1 0.0,-1048576.0 unaccelerated 0.0,-1048576.0")
        #expect(bench.compositor.pointerX == 50 && bench.compositor.pointerY == 0, "held on the output")
        #expect(bench.compositor.relativeMotionRefusal(dx: .nan, dy: 0) != nil)
        #expect(bench.compositor.relativeMotionRefusal(dx: 2e6, dy: 0) != nil)
        #expect(bench.compositor.relativeMotionRefusal(dx: -100, dy: 0) != nil, "unconstrained, off the output is refused")
        #expect(bench.compositor.relativeMotionRefusal(dx: 10, dy: 10) == nil)
        click(bench)
        let lock = try constrain(bench, .lock, bench.compositor.pointerFocusSurface ?? Surface(id: 99))
        #expect(lock.isActive)
        #expect(bench.compositor.relativeMotionRefusal(dx: -1000, dy: 0) == nil, "locked, any distance may be moved")
        #expect(bench.compositor.relativeMotionRefusal(dx: -2e6, dy: 0) != nil, "but not past the limit")
    }
}
