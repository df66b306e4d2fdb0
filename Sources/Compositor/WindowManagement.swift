/// Window management: which window is active, where windows go (the cascade in `Scene`, the output's
/// corner when maximized or fullscreen, the opposite edge kept when resized by the left or top edge), the
/// sizes configures ask for, raising on press, and interactive move and resize.
extension Compositor {
    /// A toplevel role was made for `window`'s surface: it joins the scene (unmapped until its first buffer).
    public func addWindow(_ window: Window) {
        windows.append(window)
        if let surface = window.surface { scene.addView(for: surface) }
    }

    /// The toplevel role went away (its wl_surface may live on, unmapped): it leaves the output, a move or
    /// resize of it ends with no last configure, and if it was active, its grabbing popups are dismissed and
    /// the topmost mapped window left becomes active.
    public func removeWindow(_ window: Window) {
        if let surface = window.surface { roleRemoved(from: surface) }
        windows.removeAll { $0 === window }
        if let grab, grab.acts(on: window) {
            self.grab = nil
            updatePointerFocus()
        }
        if activeWindow === window {
            dismissPopups()   // grabbing popups belong to the active window
            activateNext()
        }
        events?.windowListChanged(window)   // no longer listed: its handles close
        for child in windows where child.parent === window {
            child.parent = nil
            events?.windowListChanged(child)
        }
    }

    /// The window whose (root) surface is `surface`.
    public func window(of surface: Surface) -> Window? { windows.first { $0.surface === surface } }

    /// The size a configure asks for: the usable area's (the output less layer surfaces' exclusive zones) when
    /// maximized or fullscreen, the pointer's during a resize, else 0×0 (the client picks).
    public func configureSize(of window: Window) -> (width: Int64, height: Int64) {
        if window.maximized || window.fullscreen {
            // Never 0 (which would let the client choose), even when exclusive zones took the whole output.
            let usable = scene.usableAreas[filledOutput(of: window)]
            return (max(1, usable.width), max(1, usable.height))
        }
        return window.requestedSize ?? (0, 0)
    }

    /// xdg_toplevel.set_maximized / set_fullscreen and their unset: whether the state changed (the protocol
    /// layer then configures, once the first configure of the cycle is out; before, the state joins it).
    /// A window list asking for either state brings a minimized window back (shown, on top, active): that is
    /// the user's action. The window's own client asking does not: a minimized window would otherwise take
    /// the keyboard whenever it liked, which an unminimized window in the background cannot do (only an
    /// xdg-activation token lets a client take the focus); it gets the state and stays minimized.
    /// `output` (an `OutputArea.index`) is the output a fullscreen request names; without one, a window that
    /// becomes maximized or fullscreen fills the output it is mostly on (or, unmapped, the one new windows go on).
    public func request(_ window: Window, maximized: Bool? = nil, fullscreen: Bool? = nil, output: Int? = nil,
                        byWindowList: Bool = false) -> Bool {
        let before = (window.maximized, window.fullscreen, window.output)
        let filledBefore = window.maximized || window.fullscreen
        if let maximized { window.maximized = maximized }
        if let fullscreen { window.fullscreen = fullscreen }
        if let output, fullscreen == true, scene.outputs.indices.contains(output) {
            window.output = output
        } else if !(window.maximized || window.fullscreen) {
            window.output = nil
        } else if !filledBefore {
            window.output = window.surface.flatMap { scene.view(for: $0) }.flatMap { $0.mapped ? scene.outputIndex(of: $0) : nil }
                ?? scene.focusedOutput
        }
        let changed = before != (window.maximized, window.fullscreen, window.output)
        if changed { events?.windowListChanged(window) }
        if byWindowList && window.minimized && (maximized == true || fullscreen == true) { unminimize(window) }
        return changed
    }

    /// Makes `window` the active one: grabbing popups of the previous one are dismissed and it is told it is
    /// no longer activated; the new one is configured as activated and gets the keyboard focus.
    /// A minimized window is shown again first (on top).
    public func activate(_ window: Window) {
        if window.minimized { restore(window) }
        if activeWindow !== window { dismissPopups() }   // a grabbing popup belongs to the active window or a layer surface
        if let previous = activeWindow, previous !== window {
            previous.activated = false
            events?.configure(previous)
            events?.windowListChanged(previous)
        }
        activeWindow = window
        layerFocus = nil   // a window activated takes the keyboard back from an on-demand layer surface
        window.activated = true
        events?.configure(window)
        events?.windowListChanged(window)
        updateKeyboardFocus()
    }

    /// The active window went away or was minimized: the topmost shown window that is left becomes active.
    func activateNext() {
        activeWindow = nil
        let next = scene.mappedViews.reversed().lazy.compactMap { self.window(of: $0.surface) }.first
        if let next { activate(next) } else { updateKeyboardFocus() }
    }

    /// A press or touch on `surface`: its window becomes the active one and comes to the top.
    func focusWindow(of surface: Surface) {
        let root = surface.root
        if focusLayer(of: root) { return }
        guard let window = window(of: root) else { return }
        if layerFocus != nil {
            layerFocus = nil
            if activeWindow === window { updateKeyboardFocus() }
        }
        if activeWindow !== window { activate(window) }
        if !scene.isTopOfItsStratum(root) { raise(root) }
    }

    /// The window geometry on the output (the window geometry's rectangle, else the whole surface).
    public func windowRect(_ window: Window) -> Rect? {
        guard let surface = window.surface, let view = scene.view(for: surface) else { return nil }
        if let geometry = window.geometry {
            return Rect(x: view.x + geometry.x, y: view.y + geometry.y, width: geometry.width, height: geometry.height)
        }
        return Rect(x: view.x, y: view.y, width: surface.width, height: surface.height)
    }

    /// After the scene applied a commit with a buffer: a window that maps comes up on top, and the first time
    /// also active; a
    /// maximized or fullscreen one sits at the output's corner (its window geometry's corner) and one that
    /// left those states goes back; one resized by its left or top edge keeps its right or bottom edge.
    /// `unmappedAt` is where the view was before this commit mapped it (nil if it was mapped): a window
    /// mapped maximized goes back there.
    func windowCommitted(_ window: Window, unmappedAt: (x: Int64, y: Int64)?) {
        guard let surface = window.surface else { return }
        // A window that maps comes up on top of the others, whenever its role was made.
        if unmappedAt != nil, !scene.isTopOfItsStratum(surface) { scene.raise(surface) }
        if !window.shown {
            window.shown = true
            activate(window)   // a new window comes up active; later, a press or touch activates
        }
        let origin = window.geometryOrigin
        guard let view = scene.view(for: surface) else { return }
        if let anchor = window.resizeAnchor, let rect = windowRect(window) {
            if !window.resizing { window.resizeAnchor = nil }
            let x = anchor.edges.contains(.left) ? anchor.right - rect.width - origin.x : view.x
            let y = anchor.edges.contains(.top) ? anchor.bottom - rect.height - origin.y : view.y
            if x != view.x || y != view.y { scene.place(surface, x: x, y: y) }
            return
        }
        if window.maximized || window.fullscreen {
            if window.restorePosition == nil { window.restorePosition = unmappedAt ?? (view.x, view.y) }
            let corner = scene.usableAreas[filledOutput(of: window)]
            if view.x != corner.x - origin.x || view.y != corner.y - origin.y {
                scene.place(surface, x: corner.x - origin.x, y: corner.y - origin.y)
            }
        } else if let back = window.restorePosition {
            window.restorePosition = nil
            scene.place(surface, x: back.x, y: back.y)
        }
    }

    /// The output a maximized or fullscreen window fills.
    func filledOutput(of window: Window) -> Int {
        guard let output = window.output, scene.outputs.indices.contains(output) else { return scene.focusedOutput }
        return output
    }

    /// Places a window so that its window geometry starts at output coordinates (x, y).
    public func placeWindow(_ surface: Surface, x: Int64, y: Int64) {
        let root = surface.root
        let origin = window(of: root)?.geometryOrigin ?? (x: 0, y: 0)
        place(root, x: x - origin.x, y: y - origin.y)
    }

    /// Places a surface at output coordinates (x, y); it is damaged at its old and new place.
    public func place(_ surface: Surface, x: Int64, y: Int64) {
        scene.place(surface, x: x, y: y)
        sceneChanged()
    }

    /// Moves a surface to the top of the stack.
    public func raise(_ surface: Surface) {
        scene.raise(surface)
        sceneChanged()
    }

    // MARK: Interactive move and resize

    /// Whether a move or resize may start for `window`: a button pressed on it (with that press's serial) is
    /// still down, and no other grab runs.
    private func mayGrab(_ window: Surface, serial: UInt32) -> Bool {
        hasPointer && grab == nil && !deliveredButtons.isEmpty && serial == lastPressSerial && pointerFocus?.root === window
    }

    /// xdg_toplevel.move: the window follows the pointer until the buttons are released.
    public func startMove(of window: Window, serial: UInt32) {
        guard let surface = window.surface, mayGrab(surface, serial: serial), let view = scene.view(for: surface)
        else { return }
        begin(.move(window: surface, dx: pointerX - Double(view.x), dy: pointerY - Double(view.y)))
    }

    /// xdg_toplevel.resize: the given edges follow the pointer until the buttons are released; the window
    /// is configured with the resizing state and the size the pointer asks for.
    public func startResize(of window: Window, edges: ResizeEdges, serial: UInt32) {
        guard let surface = window.surface, mayGrab(surface, serial: serial), let start = windowRect(window)
        else { return }
        window.resizing = true
        window.resizeAnchor = (edges, start.x + start.width, start.y + start.height)
        window.requestedSize = (start.width, start.height)
        events?.configure(window)
        begin(.resize(window: window, edges: edges, start: start, pointerX: pointerX, pointerY: pointerY))
    }

    /// Whether an interactive move or resize is in progress.
    public var movingOrResizing: Bool { grab != nil }

    /// The window's client loses the pointer for the grab's duration (it gets leave now, enter after).
    private func begin(_ newGrab: WindowGrab) {
        sendPointerLeave()
        pointerFocus = nil
        grab = newGrab
        updatePointerConstraint()
    }

    /// The pointer moved during a grab: the window follows, or is asked for the size the pointer makes.
    func grabbedPointerMoved(_ grab: WindowGrab) {
        switch grab {
        case .move(let window, let dx, let dy):
            place(window, x: Int64((pointerX - dx).rounded(.down)), y: Int64((pointerY - dy).rounded(.down)))
        case .resize(let window, let edges, let start, let startX, let startY):
            let dx = Int64((pointerX - startX).rounded(.down)), dy = Int64((pointerY - startY).rounded(.down))
            var width = start.width, height = start.height
            if edges.contains(.left) { width -= dx } else if edges.contains(.right) { width += dx }
            if edges.contains(.top) { height -= dy } else if edges.contains(.bottom) { height += dy }
            let size = (width: max(1, width), height: max(1, height))
            guard window.requestedSize.map({ $0 != size }) ?? true else { return }
            window.requestedSize = size
            events?.configure(window)
        }
    }

    /// The grab's last button went up: a resize ends with a last configure with the final size, without
    /// the resizing state.
    func grabEnded(_ grab: WindowGrab) {
        guard case .resize(let window, _, _, _, _) = grab else { return }
        window.resizing = false
        events?.configure(window)
        window.requestedSize = nil
    }
}

/// Popups: where an xdg_popup goes by its positioner's rules, kept inside the output.
extension Compositor {
    /// Places popup `surface` by `rules` relative to its parent's window geometry (`parent`, whose window
    /// geometry starts at `parentGeometryOrigin` inside it), constrained to the output, and moves the surface
    /// in the parent's tree (less its own window geometry's origin, `geometryOrigin`). Returns the popup's
    /// geometry relative to the parent's window geometry: what xdg_popup.configure carries.
    public func placePopup(_ surface: Surface, rules: PopupPositioner, parent: Surface,
                           parentGeometryOrigin: (x: Int64, y: Int64), geometryOrigin: (x: Int64, y: Int64)) -> Rect {
        let onOutput = outputPosition(of: parent)
        // The popup stays on the output its parent is mostly on.
        let area = scene.outputs[scene.outputs.index(for: layoutRect(of: parent))].rect
        let bounds = Rect(x: area.x - (onOutput.x + parentGeometryOrigin.x), y: area.y - (onOutput.y + parentGeometryOrigin.y),
                          width: area.width, height: area.height)
        let geometry = rules.constrained(to: bounds)
        surface.movePopup(x: parentGeometryOrigin.x + geometry.x - geometryOrigin.x,
                          y: parentGeometryOrigin.y + geometry.y - geometryOrigin.y)
        treeChanged(surface.root)   // the tree's shape changed: repaint it
        return geometry
    }
}
