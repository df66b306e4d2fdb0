/// zwlr_layer_shell_v1's policy: layer surfaces stacked in their layers (Scene), placed by LayerArrangement,
/// configured with the size the arrangement gives them, and the keyboard rules of their interactivity.
///
/// A layer surface counts for the arrangement from its first commit (the initial, buffer-less one) until it
/// unmaps (a commit without a buffer, which also restarts its configure cycle) or its role goes away.
public final class LayerSurface {
    /// nil once the wl_surface is destroyed.
    public internal(set) var surface: Surface?
    /// What the surface is for (get_layer_surface's namespace), for `seawall ctl` and logs.
    public let namespace: String
    /// The state as last committed.
    public internal(set) var state: LayerSurfaceState
    /// Where the arrangement put the surface on the output (nil before its first commit).
    public internal(set) var box: Rect?
    /// The size the last configure carried (nil: none sent since the cycle (re)started).
    public internal(set) var configuredSize: (width: UInt32, height: UInt32)?
    /// The initial commit happened (and no unmap since): the surface takes part in the arrangement.
    public internal(set) var initialized = false
    /// The surface shows a buffer.
    public internal(set) var mapped = false
    /// The output it is on (`OutputArea.index`): the one get_layer_surface named, else the one new windows
    /// go on when it was made (`Compositor.addLayerSurface`).
    public internal(set) var output: Int?

    public init(surface: Surface, layer: Layer, namespace: String, output: Int? = nil) {
        self.surface = surface
        self.namespace = namespace
        self.output = output
        state = LayerSurfaceState(layer: layer)
    }

    /// Whether the surface holds the keyboard whatever else is clicked (exclusive in the top or overlay layer).
    var holdsKeyboard: Bool { mapped && state.keyboardInteractivity == .exclusive && state.layer >= .top }
    /// Whether a click, a touch or mapping gives it the keyboard.
    var takesFocus: Bool { state.keyboardInteractivity != .none }
}

extension Compositor {
    /// A layer surface role was made: its view joins the scene in its layer (unmapped until a buffer).
    public func addLayerSurface(_ layer: LayerSurface) {
        if layer.output.map({ !scene.outputs.indices.contains($0) }) ?? true { layer.output = scene.focusedOutput }
        layerSurfaces.append(layer)
        if let surface = layer.surface { scene.addView(for: surface, layer: layer.state.layer) }
    }

    /// The layer surface role went away: it leaves the output, the keyboard and the arrangement (whose
    /// zones it may have held: the others and the windows are configured again).
    public func removeLayerSurface(_ layer: LayerSurface) {
        layerSurfaces.removeAll { $0 === layer }
        if layerFocus === layer { layerFocus = nil }
        if let surface = layer.surface { scene.removeView(for: surface) }
        arrangeLayers()
        updateKeyboardFocus()
        sceneChanged()
    }

    /// The layer surface whose (root) surface is `surface`.
    public func layerSurface(of surface: Surface) -> LayerSurface? { layerSurfaces.first { $0.surface === surface } }

    /// A commit of a layer surface took `state` (already checked: `LayerSurfaceState.sizeError` is nil) with
    /// or without a buffer. Runs before `commit(_:)` maps the view, so the surface is placed when it appears.
    /// The first commit of a cycle gets a configure; later ones get one when the arrangement changes their
    /// size. The keyboard focus follows the interactivity.
    public func layerCommitted(_ layer: LayerSurface, state: LayerSurfaceState, hasBuffer: Bool) {
        guard let surface = layer.surface else { return }
        let wasMapped = layer.mapped
        if !hasBuffer && layer.initialized && wasMapped {
            // Unmapped: back to the state right after get_layer_surface; the next commit starts a new cycle.
            layer.initialized = false
            layer.mapped = false
            layer.configuredSize = nil
            layer.state = state
            if layerFocus === layer { layerFocus = nil }
            arrangeLayers()
            updateKeyboardFocus()
            return
        }
        // A new frame of a surface whose state and mapping did not change (a bar redrawing its clock)
        // changes nothing in the arrangement or the focus.
        if layer.initialized && state == layer.state && hasBuffer == wasMapped { return }
        if state.layer != layer.state.layer { scene.setLayer(state.layer, of: surface) }
        layer.state = state
        layer.initialized = true
        layer.mapped = hasBuffer
        if hasBuffer && !wasMapped && layer.takesFocus && !layer.holdsKeyboard { layerFocus = layer }
        if !layer.takesFocus && layerFocus === layer { layerFocus = nil }
        arrangeLayers()
        updateKeyboardFocus()
    }

    /// Places every initialized layer surface, configures those whose size changed (or that wait for their
    /// first configure), and when the usable area changed, configures maximized and fullscreen windows to it.
    func arrangeLayers() {
        let active = layerSurfaces.filter { $0.initialized && $0.surface != nil }
        for area in scene.outputs {
            let here = scene.outputs.count == 1 ? active : active.filter { ($0.output ?? 0) == area.index }
            arrangeLayers(here, on: area)
        }
    }

    /// `arrangeLayers` for the layer surfaces on one output.
    private func arrangeLayers(_ active: [LayerSurface], on area: OutputArea) {
        let (boxes, usable) = LayerArrangement.arrange(active.map(\.state), output: area.rect)
        for (layer, box) in zip(active, boxes) {
            // Only a surface whose place changed is looked up in the scene: a commit costs O(surfaces), not
            // O(surfaces²), with a client's 1024 surfaces all layer surfaces.
            let moved = layer.box.map { $0.x != box.x || $0.y != box.y } ?? true
            layer.box = box
            if moved, let surface = layer.surface, let view = scene.view(for: surface), view.x != box.x || view.y != box.y {
                scene.place(surface, x: box.x, y: box.y)
            }
            let size = (width: UInt32(clamping: box.width), height: UInt32(clamping: box.height))
            if layer.configuredSize.map({ $0 != size }) ?? true {
                layer.configuredSize = size
                events?.configure(layer, width: size.width, height: size.height)
            }
        }
        guard usable != scene.usableAreas[area.index] else { return }
        scene.usableAreas[area.index] = usable
        for window in windows where (window.maximized || window.fullscreen) && filledOutput(of: window) == area.index {
            events?.configure(window)
            if let surface = window.surface, scene.view(for: surface)?.mapped == true {
                let origin = window.geometryOrigin
                scene.place(surface, x: usable.x - origin.x, y: usable.y - origin.y)
            }
        }
    }

    /// The layer surface that gets the keyboard before any window: one that holds it (exclusive in the top
    /// or overlay layer, the highest if several), else the one clicked, touched or mapped last that takes focus.
    var keyboardLayer: LayerSurface? {
        // The highest in the stack of those that hold it, by the layer's own `mapped` (a commit decides the
        // focus before the view maps). Few hold it: the stack is searched for those only.
        let holders = layerSurfaces.filter(\.holdsKeyboard)
        let holding = holders.count < 2 ? holders.first : holders.max { a, b in
            let ia = scene.views.firstIndex { $0.surface === a.surface } ?? -1
            let ib = scene.views.firstIndex { $0.surface === b.surface } ?? -1
            return ia < ib
        }
        return holding ?? layerFocus.flatMap { $0.mapped && $0.takesFocus ? $0 : nil }
    }

    /// A press or touch on a layer surface (or its popup): it gets the keyboard if its interactivity allows.
    /// Returns false when `root` is not a layer surface.
    func focusLayer(of root: Surface) -> Bool {
        guard let layer = layerSurface(of: root) else { return false }
        if layer.takesFocus && layerFocus !== layer {
            layerFocus = layer
            updateKeyboardFocus()
        }
        return true
    }
}
