/// Pointer constraints (zwp_pointer_constraints_v1): a client asks that the pointer be locked in place or
/// confined to a region of one of its surfaces, and relative motion (zwp_relative_pointer_v1) reports every
/// relative move, including those a lock keeps from moving the pointer.
///
/// The rules Seawall follows:
/// - A surface has at most one constraint (Seawall has one seat, so one pointer); a second one is the
///   protocol's already_constrained error (`Surface.pointerConstraint`).
/// - A constraint is active while its surface has the pointer focus, its window has the keyboard focus (the
///   keyboard focus is on a surface of the same tree: the toplevel or one of its subsurfaces and popups) and
///   no interactive move or resize holds the pointer. It becomes active only with the pointer inside its
///   effective region: the surface's input region (the whole surface by default), clipped to the surface,
///   intersected with the constraint's region (none: infinite). Losing any of these deactivates it.
/// - Activation and deactivation are told to its client (locked / unlocked, confined / unconfined). A oneshot
///   constraint that was deactivated is spent: it never activates again. A persistent one activates again
///   whenever the conditions hold again.
/// - While a lock is active the pointer does not move: neither relative nor absolute moves change its
///   position, and no wl_pointer.motion is sent. While a confinement is active every move ends at the point of
///   the effective region nearest to where it was going, in the region's rectangle the pointer is in (within
///   whole pixels: at most width - 1 across a rectangle, as the pointer is on a pixel). A move that lands
///   inside the region is taken as it is, even in a part of the region apart from the pointer's.
/// - Relative moves (`movePointer(byX:y:)`: `seawall ctl pointer relative`, a virtual pointer's motion, WLCS's
///   move_by) are reported to the focused client as relative motion, before any constraint applies. Absolute
///   moves (`movePointer(toX:y:)`: `pointer move`, motion_absolute, a touch) are not: like a tablet, an
///   absolute device has no relative motion.
/// - When the client destroys an active lock that has a cursor position hint, the pointer is put where the
///   hint says (surface-local, held on the output), as a game releasing the pointer expects.

/// A lock or a confinement as the compositor sees it. Its region and cursor hint are double-buffered: the
/// protocol layer sets `pending…` and the surface's commit applies them (`Surface.commit()`).
public final class PointerConstraint {
    public enum Kind: Sendable { case lock, confine }
    /// zwp_pointer_constraints_v1.lifetime.
    public enum Lifetime: UInt32, Sendable { case oneshot = 1, persistent = 2 }

    public let kind: Kind
    public let lifetime: Lifetime
    /// The constrained surface; nil once it is destroyed.
    public internal(set) weak var surface: Surface?
    /// Locked or confined now (the client was told so).
    public internal(set) var isActive = false
    /// A oneshot constraint that was active once and is no longer: it never activates again.
    public internal(set) var isSpent = false
    /// The region the pointer must be in, surface-local; nil is infinite.
    public internal(set) var region: Region?
    /// The lock's cursor position hint, surface-local; nil when the client gave none.
    public internal(set) var cursorHint: (x: Double, y: Double)?
    /// set_region since the last commit: `.some(nil)` makes the region infinite.
    public var pendingRegion: Region?? = nil
    /// set_cursor_position_hint since the last commit.
    public var pendingCursorHint: (x: Double, y: Double)?

    public init(kind: Kind, lifetime: Lifetime, region: Region?) {
        self.kind = kind
        self.lifetime = lifetime
        self.region = region
    }

    /// The surface's commit: the pending region and hint take effect.
    func applyPending() {
        if let pendingRegion { region = pendingRegion }
        if let pendingCursorHint { cursorHint = pendingCursorHint }
        pendingRegion = nil
        pendingCursorHint = nil
    }
}

/// Why a constraint request is refused; the protocol layer posts it as the matching error.
public enum PointerConstraintError: Error, Equatable, CustomStringConvertible {
    /// zwp_pointer_constraints_v1.error.already_constrained.
    case alreadyConstrained(String)
    /// A value the protocol has no error code for (a lifetime that is not one): an implementation error.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .alreadyConstrained(let message), .invalidRequest(let message): message
        }
    }
}

/// What a relative move reports: the motion, and the same unaccelerated (Seawall has no acceleration).
public struct RelativeMotion: Equatable, Sendable {
    public var dx: Double
    public var dy: Double
    public var dxUnaccelerated: Double
    public var dyUnaccelerated: Double
}

extension Compositor {
    /// The most a single relative move may cover on either axis: well past any output, and far within what
    /// wl_fixed can carry.
    public static let maxRelativeMotion: Double = 1_048_576

    /// zwp_pointer_constraints_v1.lock_pointer / confine_pointer on `surface`. `lifetime` is the wire value.
    /// The constraint is attached to the surface but inactive until `pointerConstraintReady(_:)`.
    public func constrainPointer(_ kind: PointerConstraint.Kind, surface: Surface, region: Region?,
                                 lifetime: UInt32) throws(PointerConstraintError) -> PointerConstraint {
        guard let lifetime = PointerConstraint.Lifetime(rawValue: lifetime) else {
            throw .invalidRequest("lifetime \(lifetime) is neither oneshot (1) nor persistent (2)")
        }
        if let existing = surface.pointerConstraint {
            let what = existing.kind == .lock ? "locked" : "confined"
            throw .alreadyConstrained("the surface's pointer is already \(what) by another constraint object; destroy it first")
        }
        let constraint = PointerConstraint(kind: kind, lifetime: lifetime, region: region)
        constraint.surface = surface
        surface.pointerConstraint = constraint
        return constraint
    }

    /// The protocol layer made the constraint's object: it may activate at once (the surface has the focus
    /// and the pointer is in the region).
    public func pointerConstraintReady(_ constraint: PointerConstraint) { updatePointerConstraint() }

    /// The client destroyed the constraint object (or its surface went): it ends, and an active lock with a
    /// cursor position hint leaves the pointer at the hint.
    public func removePointerConstraint(_ constraint: PointerConstraint) {
        let wasActiveLock = constraint.isActive && constraint.kind == .lock
        constraint.isActive = false
        constraint.isSpent = true
        guard let surface = constraint.surface else { return }
        constraint.surface = nil
        if surface.pointerConstraint === constraint { surface.pointerConstraint = nil }
        if activeConstraintSurface === surface { activeConstraintSurface = nil }
        if wasActiveLock, let hint = constraint.cursorHint {
            let origin = outputPosition(of: surface)
            let point = clampedToOutput(Double(origin.x) + hint.x, Double(origin.y) + hint.y)
            movePointer(toX: point.x, y: point.y)
        } else {
            updatePointerConstraint()
        }
    }

    /// The surface is being destroyed: its constraint ends (its client hears of the deactivation) and later
    /// requests on the constraint object change nothing.
    func pointerConstraintSurfaceDestroyed(_ surface: Surface) {
        guard let constraint = surface.pointerConstraint else { return }
        surface.pointerConstraint = nil
        constraint.surface = nil
        constraint.isSpent = true
        if activeConstraintSurface === surface { activeConstraintSurface = nil }
        if constraint.isActive {
            constraint.isActive = false
            events?.pointerConstraint(constraint, isActive: false)
        }
    }

    /// The constraint that holds the pointer now, if any.
    public var activePointerConstraint: PointerConstraint? {
        guard let constraint = pointerFocus?.pointerConstraint, constraint.isActive else { return nil }
        return constraint
    }

    /// The constraint's effective region on the output: the surface's input region clipped to the surface,
    /// intersected with the constraint's region.
    func effectiveRegion(of constraint: PointerConstraint, surface: Surface) -> Region {
        let bounds = Rect(x: 0, y: 0, width: surface.width, height: surface.height)
        let input = surface.inputRegion.map { $0.intersection(bounds) } ?? Region(bounds)
        var effective = input
        if let region = constraint.region {
            effective = Region()
            for rect in region.rects { effective.add(input.intersection(rect)) }
        }
        let origin = outputPosition(of: surface)
        return effective.offsetBy(dx: origin.x, dy: origin.y)
    }

    /// Whether output point (x, y) is in the constraint's effective region (without building it).
    private func pointIsInside(_ constraint: PointerConstraint, surface: Surface, x: Double, y: Double) -> Bool {
        let origin = outputPosition(of: surface)
        let px = Int64(x.rounded(.down)) - origin.x, py = Int64(y.rounded(.down)) - origin.y
        guard Rect(x: 0, y: 0, width: surface.width, height: surface.height).contains(x: px, y: py) else { return false }
        if let input = surface.inputRegion, !input.contains(x: px, y: py) { return false }
        if let region = constraint.region, !region.contains(x: px, y: py) { return false }
        return true
    }

    /// Activates or deactivates the pointer focus's constraint by the rules above, telling its client. Cheap and
    /// idempotent: called whenever the pointer, a focus, a grab or the scene changes.
    func updatePointerConstraint() {
        // The focus, then the surface of the constraint active until now if that is another (no list is made:
        // this runs at every scene change).
        let leftover = activeConstraintSurface === pointerFocus ? nil : activeConstraintSurface
        if let focus = pointerFocus { updatePointerConstraint(of: focus) }
        if let leftover { updatePointerConstraint(of: leftover) }
    }

    /// Activates or deactivates `surface`'s pointer constraint, if it has one, as the focus now says.
    private func updatePointerConstraint(of surface: Surface) {
        guard let constraint = surface.pointerConstraint else { return }
        let holds = hasPointer && grab == nil && surface === pointerFocus
            && keyboardFocus.map { $0.root === surface.root } == true
        if constraint.isActive && !holds {
            constraint.isActive = false
            if constraint.lifetime == .oneshot { constraint.isSpent = true }
            activeConstraintSurface = nil
            events?.pointerConstraint(constraint, isActive: false)
        } else if !constraint.isActive && !constraint.isSpent && holds
                    && pointIsInside(constraint, surface: surface, x: pointerX, y: pointerY) {
            constraint.isActive = true
            activeConstraintSurface = surface
            events?.pointerConstraint(constraint, isActive: true)
        }
    }

    /// Where a move to output point (x, y) ends under the active constraint: where the pointer is (locked),
    /// the nearest point of the region (confined), or (x, y) itself.
    func constrainedDestination(x: Double, y: Double) -> (x: Double, y: Double) {
        guard grab == nil, let constraint = activePointerConstraint, let surface = constraint.surface else { return (x, y) }
        switch constraint.kind {
        case .lock:
            return (pointerX, pointerY)
        case .confine:
            if pointIsInside(constraint, surface: surface, x: x, y: y) { return (x, y) }
            // Held in the rectangle of the region the pointer is in (so it never jumps a gap to a nearer part),
            // else the nearest point of any rectangle.
            let rects = effectiveRegion(of: constraint, surface: surface).rects
            let current = rects.filter { $0.contains(x: Int64(pointerX.rounded(.down)), y: Int64(pointerY.rounded(.down))) }
            var best: (x: Double, y: Double)?
            var bestDistance = Double.infinity
            for rect in current.isEmpty ? rects : current {
                let cx = Swift.min(Swift.max(x, Double(rect.x)), Double(rect.maxX - 1))
                let cy = Swift.min(Swift.max(y, Double(rect.y)), Double(rect.maxY - 1))
                let distance = (cx - x) * (cx - x) + (cy - y) * (cy - y)
                if distance < bestDistance { (best, bestDistance) = ((cx, cy), distance) }
            }
            // An empty region (the surface shrank to nothing under it): the pointer stays.
            return best ?? (pointerX, pointerY)
        }
    }

    /// A relative move by (dx, dy) (a mouse's motion): the focused client hears it as relative motion, and
    /// the pointer moves by as much as the active constraint lets it, held on the output.
    public func movePointer(byX dx: Double, y dy: Double) {
        guard hasPointer else { return }
        let limit = Compositor.maxRelativeMotion
        let dx = dx.isNaN ? 0 : Swift.min(Swift.max(dx, -limit), limit)
        let dy = dy.isNaN ? 0 : Swift.min(Swift.max(dy, -limit), limit)
        if grab == nil, let focus = pointerFocus {
            events?.pointerRelativeMotion(focus, RelativeMotion(dx: dx, dy: dy, dxUnaccelerated: dx, dyUnaccelerated: dy))
        }
        if grab == nil, let lock = activePointerConstraint, lock.kind == .lock, let focus = pointerFocus {
            // The pointer stays; the relative motion is the whole event (and its frame).
            events?.pointerFrame(focus)
            return
        }
        let point = clampedToOutput(pointerX + dx, pointerY + dy)
        movePointer(toX: point.x, y: point.y)
    }

    /// Whether a relative move by (dx, dy) may happen now (`seawall ctl pointer relative`): finite distances
    /// within `maxRelativeMotion`; unconstrained, the destination must be on the output (a person cannot point
    /// anywhere else), while a lock keeps the pointer and a confinement holds it in its region.
    public func relativeMotionRefusal(dx: Double, dy: Double) -> PointerRefusal? {
        guard hasPointer else { return PointerRefusal("the seat has no pointer (Seawall was started with --no-pointer)") }
        guard dx.isFinite, dy.isFinite else { return PointerRefusal("distances must be finite numbers, not \(dx), \(dy)") }
        if activePointerConstraint == nil || grab != nil {
            do { _ = try pointerDestination(x: pointerX + dx, y: pointerY + dy) } catch { return error }
        }
        let limit = Compositor.maxRelativeMotion
        guard abs(dx) <= limit, abs(dy) <= limit else { return PointerRefusal("distances must be at most \(Int(limit)) either way, not \(dx), \(dy)") }
        return nil
    }
}
