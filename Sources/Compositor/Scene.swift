/// Where new toplevels go. Deterministic, so that screenshots of the same clients look the same:
/// the n-th toplevel mapped since start (n = 0, 1, 2, …) is placed at
/// (32 + 48 × (n mod 8), 32 + 48 × (n mod 8)) — a cascade that restarts every 8 windows —
/// and a window that would not fit is moved left/up as far as needed, but never past (0, 0).
public struct CascadePlacement: Sendable {
    public var origin: Int64 = 32
    public var step: Int64 = 48
    public var period: Int64 = 8
    public init() {}

    public func position(index: Int64, width: Int64, height: Int64, outputWidth: Int64, outputHeight: Int64) -> (x: Int64, y: Int64) {
        let offset = origin + step * (index % period)
        let x = max(0, min(offset, outputWidth - width))
        let y = max(0, min(offset, outputHeight - height))
        return (x, y)
    }
}

/// The output's content: mapped surfaces in stacking order, their positions, and the damage accumulated
/// since the last repaint. Pure state; the Wayland layer calls in, the renderer reads `items()`. Every
/// coordinate here is logical (HiDPI): the output's size is its device size divided by the output scale.
public final class Scene {
    public final class View {
        public let surface: Surface
        public internal(set) var x: Int64
        public internal(set) var y: Int64
        /// Explicitly placed (tests, conformance); otherwise placed by the policy when first mapped.
        public internal(set) var placed: Bool
        public internal(set) var mapped = false
        /// Minimized (WindowList.swift): still mapped, but neither drawn nor hit until shown again.
        public internal(set) var hidden = false
        /// Mapped and not hidden: drawn, hit-tested, and a candidate for activation.
        public var shown: Bool { mapped && !hidden }
        /// The size the view had when the scene last looked at it: a commit changes the surface's size
        /// before the scene hears of it, and the damage must cover where the window *was*.
        var width: Int64 = 0
        var height: Int64 = 0
        /// The drawn extent of the view's surface tree (with subsurfaces), as of the last commit seen.
        var treeRect = Rect(x: 0, y: 0, width: 0, height: 0)
        /// Counts the changes to what this view draws or where (a commit that damaged its tree, mapped,
        /// unmapped, resized or moved it): how `SettleTracker` tells a window that still changes.
        public internal(set) var changes: UInt64 = 0
        /// Where in the stack the view lives: windows (nil) between the bottom and top layers; a layer
        /// surface in its layer. Raising stays inside it.
        public internal(set) var layer: Layer?

        init(surface: Surface, x: Int64, y: Int64, placed: Bool, layer: Layer?) {
            self.surface = surface; self.x = x; self.y = y; self.placed = placed; self.layer = layer
        }

        /// The view's place in the stack: background 0, bottom 1, windows 2, top 3, overlay 4.
        var stratum: Int {
            guard let layer else { return 2 }
            return layer < .top ? Int(layer.rawValue) : Int(layer.rawValue) + 1
        }

        /// Where the view is on the output, at the size the scene last saw.
        public var bounds: Rect { Rect(x: x, y: y, width: width, height: height) }
    }

    /// The outputs, in layout coordinates (OutputLayout.swift); the scene's coordinates are the layout's.
    public let outputs: [OutputArea]
    /// The smallest rectangle holding every output: damage outside it is dropped.
    public let outputRect: Rect
    /// The layout's right and bottom edges (with one output, its logical size).
    public var outputWidth: Int64 { outputRect.maxX }
    public var outputHeight: Int64 { outputRect.maxY }
    public var placement = CascadePlacement()
    /// Per output, the part of it left for windows once layer surfaces' exclusive zones are taken
    /// (LayerArrangement): maximized and fullscreen windows fill it and the cascade places new windows in it.
    public internal(set) var usableAreas: [Rect]
    /// The output new windows go on: the one the pointer was last on (the first until it moves).
    public internal(set) var focusedOutput = 0
    /// Bottom to top. Views exist from role assignment; only mapped ones are drawn.
    public private(set) var views: [View] = []
    /// The same views by surface: `view(for:)` is asked per surface per commit and per arrangement, and a
    /// client may hold 1024 surfaces.
    private var viewsBySurface: [ObjectIdentifier: View] = [:]
    public private(set) var damage = Region()
    /// Counts the changes to the output: every time damage inside it was added (`SettleTracker` watches it).
    public private(set) var outputChanges: UInt64 = 0
    private var mappedSoFar: Int64 = 0
    /// Set while a hidden view's commit is applied (`apply`): its damage is not the output's.
    private var damageMuted = false
    /// The bounding box of every place where the hit test's answer may have changed since
    /// `takeHitTestChanges()`: where views mapped, unmapped, moved, were restacked or hidden, or changed the
    /// shape or input region of their trees (old and new extent). A commit that changes none of these (new
    /// pixels, damage, frame callbacks) leaves it as it is, so the pointer need not be re-picked for it.
    public private(set) var hitTestChanges = Rect(x: 0, y: 0, width: 0, height: 0)

    /// One output of `outputWidth`×`outputHeight` logical units at (0, 0).
    public convenience init(outputWidth: Int64, outputHeight: Int64) {
        self.init(outputs: [OutputArea(index: 0, name: OutputArea.name(ofIndex: 0), deviceWidth: outputWidth,
                                       deviceHeight: outputHeight, scale: .one, x: 0, y: 0)])
    }

    public init(outputs: [OutputArea]) {
        precondition(!outputs.isEmpty, "Scene: at least one output")
        self.outputs = outputs
        outputRect = outputs.bounds
        usableAreas = outputs.map(\.rect)
        for area in outputs { damage.add(area.rect) }   // the first frame paints everything
    }

    /// The usable area of the output new windows go on.
    public var usableArea: Rect { usableAreas[focusedOutput] }

    /// The output `view` is mostly on (its window geometry is not known here: its surface tree's extent).
    public func outputIndex(of view: View) -> Int {
        outputs.count == 1 ? 0 : outputs.index(for: view.treeRect.isEmpty ? view.bounds : view.treeRect)
    }

    /// Views whose position changed since `takeMovedViews`: their surfaces may have entered or left outputs.
    private var movedViews: [View] = []
    func takeMovedViews() -> [View] {
        defer { movedViews.removeAll(keepingCapacity: true) }
        return movedViews
    }

    /// The shown views (mapped, not minimized), bottom to top, filtered as they are read (no array is made:
    /// the per-frame paths walk them several times).
    public var mappedViews: LazyFilterSequence<[View]> { views.lazy.filter(\.shown) }

    public func view(for surface: Surface) -> View? { viewsBySurface[ObjectIdentifier(surface)] }

    /// Adds a view for a surface that just got a role that is shown (it maps on its first buffer), on top of
    /// the windows, or of its layer for a layer surface.
    @discardableResult
    public func addView(for surface: Surface, layer: Layer? = nil) -> View {
        if let existing = view(for: surface) { return existing }
        let view = View(surface: surface, x: 0, y: 0, placed: layer != nil, layer: layer)
        insertOnTop(view)
        viewsBySurface[ObjectIdentifier(surface)] = view
        return view
    }

    /// Puts `view` above every view of its stratum and below every view of a higher one.
    private func insertOnTop(_ view: View) {
        let index = views.firstIndex { $0.stratum > view.stratum } ?? views.endIndex
        views.insert(view, at: index)
        stackChanges &+= 1
    }

    /// Moves a layer surface's view to another layer (on top of it).
    public func setLayer(_ layer: Layer, of surface: Surface) {
        guard let index = views.firstIndex(where: { $0.surface === surface }), views[index].layer != layer else { return }
        let view = views.remove(at: index)
        view.layer = layer
        insertOnTop(view)
        if view.mapped { addDamage(view.treeRect); hitTestChanged(view.treeRect); changed(view) }
    }

    /// The surface is gone or lost its role: repaint where it was and forget it.
    public func removeView(for surface: Surface) {
        guard let index = views.firstIndex(where: { $0.surface === surface }) else { return }
        if views[index].mapped { addDamage(views[index].treeRect); hitTestChanged(views[index].treeRect) }
        views.remove(at: index)
        stackChanges &+= 1
        viewsBySurface[ObjectIdentifier(surface)] = nil
    }

    /// Applies a commit's effect to the scene: maps, unmaps, moves by the attach offset, and turns the
    /// surface's damage into output damage. `surface` may be a subsurface of a view's surface.
    public func apply(_ effect: Surface.CommitEffect, to surface: Surface) {
        guard let view = view(for: surface.root) else { return }
        // A hidden (minimized) view is not drawn: its commits change nothing on the output.
        damageMuted = view.hidden
        defer { damageMuted = false }
        if surface !== view.surface {
            applySubsurface(effect, to: surface, in: view)
            return
        }
        let before = view.mapped ? view.treeRect : nil
        if effect.changesPicture || view.mapped != effect.hasBuffer { changed(view) }
        // Only a change of shape, place, input region or mapping can change what the hit test finds.
        let reshapes = effect.changesShapeOrInput || view.mapped != effect.hasBuffer
        view.width = surface.width
        view.height = surface.height
        defer {
            view.treeRect = surface.treeBounds.offsetBy(dx: view.x, dy: view.y)
            if reshapes {
                if let before { hitTestChanged(before) }
                hitTestChanged(view.treeRect)
            }
        }
        if effect.hasBuffer && !view.mapped {
            view.mapped = true
            stackChanges &+= 1
            if !view.placed {
                let p = placement.position(index: mappedSoFar, width: surface.width, height: surface.height,
                                           outputWidth: usableArea.width, outputHeight: usableArea.height)
                view.x = usableArea.x + p.x; view.y = usableArea.y + p.y
            }
            if view.layer == nil { mappedSoFar += 1 }   // the cascade counts windows only
            addDamage(surface.treeBounds.offsetBy(dx: view.x, dy: view.y))
            return
        }
        if !effect.hasBuffer {
            if view.mapped { view.mapped = false; stackChanges &+= 1; if let before { addDamage(before) } }
            return
        }
        if effect.offsetX != 0 || effect.offsetY != 0 {
            view.x = view.x.offset(by: effect.offsetX); view.y = view.y.offset(by: effect.offsetY)
            if outputs.count > 1 { movedViews.append(view) }
        }
        if effect.sizeChanged || effect.offsetX != 0 || effect.offsetY != 0 || effect.subsurfacesMoved {
            if let before { addDamage(before) }
            addDamage(surface.treeBounds.offsetBy(dx: view.x, dy: view.y))
        } else {
            addDamage(effect.damage, dx: view.x, dy: view.y)
        }
    }

    /// A subsurface's commit: its damage where it is drawn, or the whole tree if its geometry changed.
    private func applySubsurface(_ effect: Surface.CommitEffect, to surface: Surface, in view: View) {
        guard view.mapped else { return }
        if effect.changesPicture { changed(view) }
        if effect.sizeChanged || effect.subsurfacesMoved || effect.offsetX != 0 || effect.offsetY != 0 {
            return reshaped(view)
        }
        view.treeRect = view.surface.treeBounds.offsetBy(dx: view.x, dy: view.y)
        if effect.inputRegionChanged { hitTestChanged(view.treeRect) }
        guard let placed = view.surface.flattened().first(where: { $0.surface === surface }) else { return }
        addDamage(effect.damage, dx: view.x + placed.x, dy: view.y + placed.y)
    }

    /// The tree under `root` changed shape outside a commit (a subsurface or popup went away or moved).
    public func treeChanged(_ root: Surface) {
        guard let view = view(for: root), view.shown else { return }
        changed(view)
        reshaped(view)
    }

    /// A mapped view's tree changed shape: repaint its old and its new extent.
    private func reshaped(_ view: View) {
        addDamage(view.treeRect)
        hitTestChanged(view.treeRect)
        view.treeRect = view.surface.treeBounds.offsetBy(dx: view.x, dy: view.y)
        addDamage(view.treeRect)
        hitTestChanged(view.treeRect)
    }

    /// Places a surface's view at (x, y) in output coordinates (tests and conformance use this).
    public func place(_ surface: Surface, x: Int64, y: Int64) {
        let view = view(for: surface) ?? addView(for: surface)
        if view.shown { addDamage(view.treeRect); changed(view) }
        hitTestChanged(view.treeRect)
        view.treeRect = view.treeRect.offsetBy(dx: x - view.x, dy: y - view.y)
        if (view.x, view.y) != (x, y) && outputs.count > 1 { movedViews.append(view) }
        view.x = x; view.y = y; view.placed = true
        hitTestChanged(view.treeRect)
        if view.shown { addDamage(view.treeRect) }
    }

    /// Hides a mapped view (a minimized window) or shows it again: where it is drawn is repainted.
    public func setHidden(_ surface: Surface, _ hidden: Bool) {
        guard let view = view(for: surface), view.hidden != hidden else { return }
        view.hidden = hidden
        stackChanges &+= 1
        guard view.mapped else { return }
        changed(view)
        hitTestChanged(view.treeRect)
        if hidden { return addDamage(view.treeRect) }   // where it was drawn
        view.treeRect = view.surface.treeBounds.offsetBy(dx: view.x, dy: view.y)
        addDamage(view.treeRect)
        hitTestChanged(view.treeRect)
    }

    /// Whether `surface`'s view is the highest shown one of its part of the stack (a window above every other
    /// window, whatever layer surfaces are above the windows): raising it would change nothing.
    public func isTopOfItsStratum(_ surface: Surface) -> Bool {
        guard let view = view(for: surface) else { return false }
        for other in views.reversed() where other.shown && other.stratum == view.stratum { return other === view }
        return false
    }

    /// Moves a surface's view to the top of its part of the stack (windows stay between the bottom and the
    /// top layer; a layer surface stays in its layer).
    public func raise(_ surface: Surface) {
        guard let index = views.firstIndex(where: { $0.surface === surface }) else { return }
        let view = views.remove(at: index)
        insertOnTop(view)
        if view.shown { addDamage(view.treeRect); hitTestChanged(view.treeRect) }
    }

    /// Counts the changes to the stack of views (one added, removed, raised, moved to another layer, mapped,
    /// unmapped, hidden or shown), and all views' `changes` together with the view last counted: while the
    /// stack stays and one view changed since it last looked, `SettleTracker` looks at that view only.
    public private(set) var stackChanges: UInt64 = 0
    public private(set) var viewChanges: UInt64 = 0
    public private(set) weak var lastChangedView: View?

    /// `view` changed what it draws or where: counted on it and in the scene.
    private func changed(_ view: View) {
        view.changes &+= 1
        viewChanges &+= 1
        lastChangedView = view
    }

    /// Notes that what the hit test finds inside `rect` may have changed.
    private func hitTestChanged(_ rect: Rect) { hitTestChanges = hitTestChanges.union(rect) }

    /// Hands out and clears `hitTestChanges`.
    public func takeHitTestChanges() -> Rect {
        defer { hitTestChanges = Rect(x: 0, y: 0, width: 0, height: 0) }
        return hitTestChanges
    }

    public func addDamage(_ rect: Rect) {
        guard !damageMuted else { return }
        let visible = rect.intersection(outputRect)
        if !visible.isEmpty { outputChanges &+= 1 }
        damage.add(visible)
        damage = damage.simplified()
    }

    public func addDamage(_ region: Region) { for r in region.rects { addDamage(r) } }

    /// `region` moved by (dx, dy), added without building the moved region.
    public func addDamage(_ region: Region, dx: Int64, dy: Int64) {
        for r in region.rects { addDamage(r.offsetBy(dx: dx, dy: dy)) }
    }

    /// Hands out and clears the accumulated damage.
    public func takeDamage() -> Region {
        defer { damage = Region() }
        return damage
    }

    /// Hands out the accumulated damage in `taken` (its previous contents dropped) and gives the scene
    /// `taken`'s storage to collect the next frame's in: the server swaps one pair of regions frame after frame.
    public func takeDamage(into taken: inout Region) {
        taken.removeAll(keepingCapacity: true)
        swap(&taken, &damage)
    }

    /// What the renderer draws, bottom to top.
    public func items() -> [SceneItem] {
        var list: [SceneItem] = []
        list.reserveCapacity(views.count)
        items(into: &list)
        return list
    }

    /// What the renderer draws, bottom to top, into `items` (emptied first, its storage kept: the server
    /// reuses one array from frame to frame).
    public func items(into items: inout [SceneItem]) {
        items.removeAll(keepingCapacity: true)
        for view in mappedViews {
            view.surface.forEachDrawn { surface, x, y in
                guard let buffer = surface.buffer else { return }
                var item = SceneItem(x: view.x + x, y: view.y + y, source: buffer,
                                     opaqueRegion: surface.opaqueRegion, bufferScale: Int64(surface.bufferScale))
                if surface.viewport.isSet {
                    item.viewport = ScaledCrop(
                        crop: surface.viewport.crop(bufferWidth: buffer.width, bufferHeight: buffer.height,
                                                    bufferScale: surface.bufferScale),
                        width: surface.width, height: surface.height)
                }
                items.append(item)
            }
        }
    }

    /// The surfaces a frame composed now would show: those drawn by a mapped view (a buffer, every parent
    /// mapped) at least partly inside the output. Hidden behind other windows still counts as shown.
    public func displayedSurfaces() -> Set<ObjectIdentifier> {
        var shown = Set<ObjectIdentifier>(minimumCapacity: views.count)
        displayedSurfaces(into: &shown)
        return shown
    }

    /// `displayedSurfaces()` into `shown` (emptied first, its storage kept).
    public func displayedSurfaces(into shown: inout Set<ObjectIdentifier>) {
        shown.removeAll(keepingCapacity: true)
        for view in mappedViews {
            view.surface.forEachDrawn { surface, x, y in
                let rect = Rect(x: view.x + x, y: view.y + y, width: surface.width, height: surface.height)
                if outputs.contains(where: { !rect.intersection($0.rect).isEmpty }) { shown.insert(ObjectIdentifier(surface)) }
            }
        }
    }

    /// What is under an output point: the surface that takes input there and where its top-left corner is.
    public struct Hit {
        public let surface: Surface
        public let x: Int64
        public let y: Int64
    }

    /// The hit test: the topmost drawn surface at output point (x, y) whose input region accepts it. Windows
    /// are searched from the top of the stack, and in each window its surface tree (subsurfaces and popups
    /// above or below their parent) from the top down; a surface's input region (wl_surface.set_input_region,
    /// the whole surface if unset) decides whether the point is its, and a point it refuses goes on to what
    /// is below.
    public func surface(atX x: Int64, y: Int64) -> Hit? {
        var hit: Hit?
        for view in mappedViews.reversed() {
            let found = view.surface.forEachDrawnFromTop { surface, dx, dy in
                let left = view.x + dx, top = view.y + dy
                let rect = Rect(x: left, y: top, width: surface.width, height: surface.height)
                guard rect.contains(x: x, y: y) else { return false }
                if let input = surface.inputRegion, !input.contains(x: x - left, y: y - top) { return false }
                hit = Hit(surface: surface, x: left, y: top)
                return true
            }
            if found { return hit }
        }
        return nil
    }
}
