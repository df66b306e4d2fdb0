/// Subsurfaces (wl_subcompositor): a surface with a parent is drawn relative to it, in an order among its
/// siblings and its parent, and — while synchronized — its commits wait for the parent's next commit.
/// Order and position are parent state too: they change when the parent commits.
extension Surface {
    /// Whether commits are cached rather than applied: synchronized itself, or any ancestor is.
    public var isEffectivelySynchronized: Bool {
        var node = self
        while let parent = node.parent {
            if node.synchronized { return true }
            node = parent
        }
        return false
    }

    /// The root of the tree this surface is in (itself when it has no parent).
    public var root: Surface {
        var node = self
        while let parent = node.parent { node = parent }
        return node
    }

    /// Whether `candidate` is this surface or one of its ancestors (a subsurface may not be its own ancestor).
    public func isSelfOrAncestor(_ candidate: Surface) -> Bool {
        var node: Surface? = self
        while let current = node {
            if current === candidate { return true }
            node = current.parent
        }
        return false
    }

    /// wl_subcompositor.get_subsurface: `child` joins this surface's stack, on top, from the next commit.
    public func addSubsurface(_ child: Surface) {
        child.parent = self
        child.synchronized = true
        var order = pendingOrder ?? (childrenBelow, childrenAbove)
        order.above.append(child)
        pendingOrder = order
    }

    /// xdg_popup: `child` is drawn above this surface's tree at once, never synchronized.
    public func attachPopup(_ child: Surface) {
        child.parent = self
        child.synchronized = false
        childrenAbove.append(child)
        if var order = pendingOrder {
            order.above.append(child)
            pendingOrder = order
        }
    }

    /// xdg_popup placement (and reposition): the position changes at once.
    public func movePopup(x: Int64, y: Int64) {
        positionX = x
        positionY = y
        pendingPosition = nil
    }

    /// This surface's offset from the root of its tree.
    public var offsetInTree: (x: Int64, y: Int64) {
        var x: Int64 = 0, y: Int64 = 0
        var node = self
        while let parent = node.parent {
            x += node.positionX
            y += node.positionY
            node = parent
        }
        return (x, y)
    }

    /// wl_subsurface.set_position, applied on the parent's next commit.
    public func setPendingPosition(x: Int64, y: Int64) { pendingPosition = (x, y) }

    /// wl_subsurface.place_above / place_below: false if `sibling` is neither the parent nor a sibling.
    public func restack(above: Bool, relativeTo sibling: Surface) -> Bool {
        guard let parent else { return false }
        var order = parent.pendingOrder ?? (parent.childrenBelow, parent.childrenAbove)
        guard sibling === parent || order.below.contains(where: { $0 === sibling })
                || order.above.contains(where: { $0 === sibling }) else { return false }
        if sibling === self { return true }
        order.below.removeAll { $0 === self }
        order.above.removeAll { $0 === self }
        if sibling === parent {
            if above { order.above.insert(self, at: 0) } else { order.below.append(self) }
        } else if let i = order.below.firstIndex(where: { $0 === sibling }) {
            order.below.insert(self, at: above ? i + 1 : i)
        } else if let i = order.above.firstIndex(where: { $0 === sibling }) {
            order.above.insert(self, at: above ? i + 1 : i)
        }
        parent.pendingOrder = order
        return true
    }

    /// A synchronized surface's commit: the pending state joins what is already cached.
    public func cacheCommit() {
        var merged = cached ?? PendingState()
        if case .attach(let newer) = pending.buffer {
            newer.lock()   // held while cached, so a buffer replaced before it was shown is released
            if case .attach(let older) = merged.buffer { older.unlock() }
        } else if case .detach = pending.buffer, case .attach(let older) = merged.buffer {
            older.unlock()
        }
        merged.absorb(pending)
        cached = merged
        pending = PendingState()
    }

    /// One surface's commit effect, as the compositor takes them.
    public typealias Committed = (surface: Surface, effect: CommitEffect)

    /// A commit that takes effect: this surface's pending state, then its children's order and positions,
    /// then the cached state of every synchronized child (recursively). Returns each surface's effect.
    public func commitTree() -> [Committed] {
        var effects: [Committed] = []
        commitTree(into: &effects)
        return effects
    }

    /// `commitTree()`, its effects appended to `effects` (the server reuses one array from commit to commit).
    public func commitTree(into effects: inout [Committed]) {
        var effect = commit()
        if let order = pendingOrder {
            childrenBelow = order.below
            childrenAbove = order.above
            pendingOrder = nil
            effect.subsurfacesMoved = true
        }
        if Surface.applyPendingPositions(of: childrenBelow) { effect.subsurfacesMoved = true }
        if Surface.applyPendingPositions(of: childrenAbove) { effect.subsurfacesMoved = true }
        effects.append((surface: self, effect: effect))
        applyCachedChildren(into: &effects)
    }

    /// wl_subsurface.set_position takes effect for `children`; returns whether any of them moved.
    private static func applyPendingPositions(of children: [Surface]) -> Bool {
        var moved = false
        for child in children {
            guard let position = child.pendingPosition else { continue }
            if position != (child.positionX, child.positionY) { moved = true }
            child.positionX = position.x
            child.positionY = position.y
            child.pendingPosition = nil
        }
        return moved
    }

    /// The cached state of every synchronized child (recursively), as commits.
    private func applyCachedChildren(into effects: inout [Committed]) {
        guard !childrenBelow.isEmpty || !childrenAbove.isEmpty else { return }
        for child in childrenBelow + childrenAbove where child.synchronized { child.applyCached(into: &effects) }
    }

    /// The commit of a surface that is not synchronized. State it cached while it was — before set_desync
    /// reached it, or before its parent was destroyed — is applied first, with this commit folded in.
    public func commitUnsynchronized() -> [Committed] {
        var effects: [Committed] = []
        commitUnsynchronized(into: &effects)
        return effects
    }

    /// `commitUnsynchronized()`, its effects appended to `effects`.
    public func commitUnsynchronized(into effects: inout [Committed]) {
        guard cached != nil else { return commitTree(into: &effects) }
        cacheCommit()
        applyCached(into: &effects)
    }

    /// Applies the cached state (if any) as a commit: when the parent commits, or on set_desync.
    public func applyCached() -> [Committed] {
        var effects: [Committed] = []
        applyCached(into: &effects)
        return effects
    }

    /// `applyCached()`, its effects appended to `effects`.
    public func applyCached(into effects: inout [Committed]) {
        guard let state = cached else {
            // Nothing of its own, but its synchronized children may be waiting for this commit too.
            return applyCachedChildren(into: &effects)
        }
        cached = nil
        let newerPending = pending
        pending = state
        let held: (any ClientBuffer)? = { if case .attach(let b) = state.buffer { return b } else { return nil } }()
        commitTree(into: &effects)
        held?.unlock()   // commit() took its own lock; the cache's goes
        pending = newerPending
    }

    /// Leaves the parent's stacks, current and pending; its own children stay its own.
    private func leaveParent() {
        if let parent {
            parent.childrenBelow.removeAll { $0 === self }
            parent.childrenAbove.removeAll { $0 === self }
            if var order = parent.pendingOrder {
                order.below.removeAll { $0 === self }
                order.above.removeAll { $0 === self }
                parent.pendingOrder = order
            }
        }
        parent = nil
    }

    /// The surface is destroyed: it leaves its parent, and its children — current, and those waiting for
    /// its next commit to join — are orphaned (unmapped until they are given a parent again).
    func detachFromTree() {
        leaveParent()
        let pendingChildren = pendingOrder.map { $0.below + $0.above } ?? []
        for child in childrenBelow + childrenAbove + pendingChildren where child.parent === self { child.parent = nil }
        childrenBelow = []
        childrenAbove = []
        pendingOrder = nil
    }

    /// wl_subsurface destroyed: the surface stops being a subsurface and is no longer drawn, its own
    /// subsurfaces with it; made a subsurface again, it comes back with them.
    public func removeFromParent() { leaveParent() }

    /// Every surface of this tree that is drawn, bottom to top, with its offset from this surface.
    public func flattened(x: Int64 = 0, y: Int64 = 0) -> [(surface: Surface, x: Int64, y: Int64)] {
        guard hasBuffer else { return [] }
        var out: [(surface: Surface, x: Int64, y: Int64)] = []
        for child in childrenBelow { out += child.flattened(x: x + child.positionX, y: y + child.positionY) }
        out.append((self, x, y))
        for child in childrenAbove { out += child.flattened(x: x + child.positionX, y: y + child.positionY) }
        return out
    }

    /// Visits what `flattened` lists, in the same order (bottom to top), without building the list: the
    /// per-frame paths (the renderer's items, the shown surfaces, the tree's bounds) allocate nothing here.
    public func forEachDrawn(x: Int64 = 0, y: Int64 = 0, _ body: (Surface, Int64, Int64) -> Void) {
        guard hasBuffer else { return }
        for child in childrenBelow { child.forEachDrawn(x: x + child.positionX, y: y + child.positionY, body) }
        body(self, x, y)
        for child in childrenAbove { child.forEachDrawn(x: x + child.positionX, y: y + child.positionY, body) }
    }

    /// The same, top to bottom, until `body` returns true (the hit test); returns whether it did.
    @discardableResult
    public func forEachDrawnFromTop(x: Int64 = 0, y: Int64 = 0, _ body: (Surface, Int64, Int64) -> Bool) -> Bool {
        guard hasBuffer else { return false }
        for child in childrenAbove.reversed() {
            if child.forEachDrawnFromTop(x: x + child.positionX, y: y + child.positionY, body) { return true }
        }
        if body(self, x, y) { return true }
        for child in childrenBelow.reversed() {
            if child.forEachDrawnFromTop(x: x + child.positionX, y: y + child.positionY, body) { return true }
        }
        return false
    }

    /// The extent of the drawn tree, relative to this surface.
    public var treeBounds: Rect {
        var bounds = Rect(x: 0, y: 0, width: 0, height: 0)
        forEachDrawn { surface, x, y in bounds = bounds.union(Rect(x: x, y: y, width: surface.width, height: surface.height)) }
        return bounds
    }
}

extension Surface.PendingState {
    /// Folds a later pending state into this one (a synchronized subsurface's successive commits).
    mutating func absorb(_ newer: Surface.PendingState) {
        switch newer.buffer {
        case .unchanged: break
        case .attach, .detach: buffer = newer.buffer
        }
        offsetX = offsetX.offset(by: newer.offsetX)
        offsetY = offsetY.offset(by: newer.offsetY)
        surfaceDamage.add(newer.surfaceDamage)
        bufferDamage.add(newer.bufferDamage)
        if let region = newer.opaqueRegion { opaqueRegion = region }
        if let region = newer.inputRegion { inputRegion = region }
        Surface.append(newer.frameCallbacks, after: &frameCallbacks)
        if let scale = newer.bufferScale { bufferScale = scale }
        if let newViewport = newer.viewport { viewport = newViewport }
    }
}
