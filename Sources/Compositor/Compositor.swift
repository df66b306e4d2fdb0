/// Every decision Seawall makes about what clients see, in pure Swift: the scene, the frame clock, window
/// management (WindowManagement.swift), the pointer (PointerFocus.swift), touch (TouchFocus.swift), the
/// keyboard focus with the popup grabs (KeyboardFocus.swift) and the selection (Selection.swift).
///
/// The protocol layer calls in with requests and input and hears what to send through `events`, in the order
/// it was decided. A commit flows one way through it: `commit(_:)` applies it to the scene, then the window
/// policy, then the focus, and ends with `CompositorEvents.sceneChanged()` (the repaint schedule).
public final class Compositor {
    public let scene: Scene
    public let frameClock: FrameClock
    /// Told what to send. The protocol layer (the server) sets itself here and outlives the compositor's use.
    public weak var events: CompositorEvents?

    private var serial: UInt32 = 0
    /// Every live surface, by identity.
    private var surfaces: [ObjectIdentifier: Surface] = [:]
    /// `commit`'s list of windows that committed a buffer, kept between commits for its storage.
    private var committedWindowsStorage: [CommittedWindow] = []
    /// The outputs each surface is drawn on (wl_surface.enter sent, and no leave since), as a bit set by
    /// `OutputArea.index`; surfaces on none are left out.
    private var onOutputs: [ObjectIdentifier: UInt32] = [:]

    // Window management (WindowManagement.swift).
    /// Toplevel windows in the order their roles were made.
    public internal(set) var windows: [Window] = []
    /// The window shown as active (xdg_toplevel state activated): the one last clicked or touched, or else
    /// mapped.
    public internal(set) var activeWindow: Window?

    // Layer surfaces (LayerShell.swift), in the order their roles were made.
    public internal(set) var layerSurfaces: [LayerSurface] = []
    /// The layer surface given the keyboard by a click, a touch or mapping (on_demand, or exclusive below
    /// the windows), until a window takes it back.
    public internal(set) weak var layerFocus: LayerSurface?

    // The pointer (PointerFocus.swift).
    public internal(set) var hasPointer = false
    /// The pointer appeared since the focus was last picked: the next commit re-picks whatever it changed.
    var pointerPickStale = false
    public internal(set) var pointerX: Double = 0
    public internal(set) var pointerY: Double = 0
    /// The surface under the pointer that receives its events, and where that surface is on the output.
    weak var pointerFocus: Surface?
    var pointerFocusOrigin: (x: Int64, y: Int64) = (0, 0)
    var pressedButtons: Set<UInt32> = []
    /// Held buttons whose press ended a popup grab: that press reached no client, so their release does not
    /// either (PointerFocus.swift).
    var swallowedButtons: Set<UInt32> = []
    /// The serial of the last button press, which a move or resize request must quote.
    var lastPressSerial: UInt32?
    /// An interactive move or resize (xdg_toplevel.move / resize) in progress.
    var grab: WindowGrab?
    /// Serials of the last few button and touch-down events sent (a popup grab must quote one).
    var recentInputSerials: [UInt32] = []
    /// xdg-activation: recent user input and the tokens issued from it (Activation.swift).
    /// The surface whose pointer constraint is active (PointerConstraints.swift).
    weak var activeConstraintSurface: Surface?
    var activation = ActivationState()

    // Touch (TouchFocus.swift).
    public internal(set) var hasTouch = false
    /// Each touch point's surface (chosen at touch-down) and that surface's output position.
    var touchPoints: [Int32: (surface: Surface, x: Int64, y: Int64)] = [:]
    /// Touch points whose touch-down ended a popup grab: no client hears of them until they lift.
    var swallowedTouches: Set<Int32> = []

    // The keyboard (KeyboardFocus.swift).
    public internal(set) var hasKeyboard = false
    /// The surface with the keyboard focus: the innermost grabbing popup's, else the active window's.
    public internal(set) weak var keyboardFocus: Surface?
    /// Popups with an explicit grab (xdg_popup.grab), outermost first.
    var grabbingPopups: [Popup] = []
    /// The keymap keys were last typed in (nil: Seawall's), and the clients whose wl_keyboards hold another
    /// keymap than Seawall's (KeymapSwitching.swift).
    var typingKeymap: KeymapHandle?
    var clientKeymaps: [ClientID: KeymapHandle] = [:]
    /// Keymaps sent to clients after their keyboards were made, ever (a counter for `seawall ctl type`'s reply).
    public internal(set) var keymapSwitches = 0

    // The selections (Selection.swift).
    /// The clipboard: the data source last set as the selection, offered to the client with the keyboard focus.
    public internal(set) weak var selection: DataSource?
    /// The primary selection (middle-click paste), under the clipboard's rules.
    public internal(set) weak var primarySelection: DataSource?

    /// One output of `outputWidth`×`outputHeight` logical units.
    public init(outputWidth: Int64, outputHeight: Int64, frameClock: FrameClock) {
        scene = Scene(outputWidth: outputWidth, outputHeight: outputHeight)
        self.frameClock = frameClock
    }

    /// Outputs laid out as `outputs` says (OutputLayout.swift).
    public init(outputs: [OutputArea], frameClock: FrameClock) {
        scene = Scene(outputs: outputs)
        self.frameClock = frameClock
    }

    /// The layout's right and bottom edges (with one output, its size).
    public var outputWidth: Int64 { scene.outputWidth }
    public var outputHeight: Int64 { scene.outputHeight }
    /// The outputs in the layout.
    public var outputs: [OutputArea] { scene.outputs }

    /// A new serial for an event (wrapping, like libwayland's display serial).
    public func nextSerial() -> UInt32 {
        serial &+= 1
        return serial
    }

    // MARK: Surfaces and commits

    public func surfaceCreated(_ surface: Surface) { surfaces[ObjectIdentifier(surface)] = surface }

    /// Every live surface (frame callbacks are collected from them).
    public var liveSurfaces: some Collection<Surface> { surfaces.values }

    /// Whether anything waits for a frame: damage on the output or frame callbacks of committed surfaces.
    public var needsRepaint: Bool {
        !scene.damage.isEmpty || surfaces.values.contains { !$0.frameCallbacks.isEmpty }
    }

    /// A commit took effect on these surfaces (a surface and the synchronized subsurfaces it carried), in
    /// this order: the scene maps, moves and damages; each surface learns whether it is on the output; a
    /// window that committed a buffer gets the window policy (activation when it first maps, its place when
    /// maximized, fullscreen or resized by its left or top edge); then the focus follows the new scene and a
    /// frame is scheduled.
    public func commit(_ effects: [(surface: Surface, effect: Surface.CommitEffect)]) {
        guard !effects.isEmpty else { return }
        // The list's storage is kept from commit to commit (taken out while in use).
        var committedWindows: [CommittedWindow] = []
        swap(&committedWindows, &committedWindowsStorage)
        defer {
            committedWindows.removeAll(keepingCapacity: true)
            swap(&committedWindows, &committedWindowsStorage)
        }
        var listChanges: [Window] = []
        for (surface, effect) in effects {
            let window = window(of: surface)
            let wasMapped = scene.view(for: surface)?.mapped ?? false
            if effect.hasBuffer, let window {
                let view = scene.view(for: surface)
                committedWindows.append((window, view.flatMap { $0.mapped ? nil : ($0.x, $0.y) }))
            }
            scene.apply(effect, to: surface)
            if let window, wasMapped != (scene.view(for: surface)?.mapped ?? false) {
                if !effect.hasBuffer { windowUnmapped(window) }
                listChanges.append(window)
            }
            if scene.outputs.count > 1 && (effect.subsurfacesMoved || effect.offsetX != 0 || effect.offsetY != 0) {
                // Subsurfaces this commit moved (set_position, or this surface's offset) without committing
                // themselves may have entered or left outputs.
                updateOutputPresence(ofTree: surface)
            } else {
                updateOutputPresence(surface)
            }
        }
        for (window, unmappedAt) in committedWindows { windowCommitted(window, unmappedAt: unmappedAt) }
        for window in listChanges { events?.windowListChanged(window) }
        sceneChanged(byCommit: true)
    }

    /// A window that committed a buffer, and where it was if that commit mapped it.
    typealias CommittedWindow = (window: Window, unmappedAt: (x: Int64, y: Int64)?)

    /// wl_surface.enter / leave for every surface of the tree under `root` (it was hidden or shown).
    func updateOutputPresence(ofTree root: Surface) {
        for (surface, _, _) in root.flattened() { updateOutputPresence(surface) }
    }

    /// wl_surface.enter / leave: a surface is on an output while it is drawn — it has a buffer and its tree's
    /// window is mapped and not minimized — and some of it is inside that output.
    private func updateOutputPresence(_ surface: Surface) {
        let id = ObjectIdentifier(surface)
        guard surfaces[id] != nil else { return }
        var now: UInt32 = 0
        if surface.hasBuffer, let view = scene.view(for: surface.root), view.shown {
            if scene.outputs.count == 1 {
                now = 1
            } else {
                let rect = layoutRect(of: surface)
                for area in scene.outputs where !area.rect.intersection(rect).isEmpty { now |= 1 << UInt32(area.index) }
            }
        }
        let before = onOutputs[id] ?? 0
        guard now != before else { return }
        onOutputs[id] = now == 0 ? nil : now
        for index in scene.outputs.indices {
            let bit: UInt32 = 1 << UInt32(index)
            if before & bit != 0 && now & bit == 0 { events?.surface(surface, output: index, isOn: false) }
        }
        for index in scene.outputs.indices {
            let bit: UInt32 = 1 << UInt32(index)
            if before & bit == 0 && now & bit != 0 { events?.surface(surface, output: index, isOn: true) }
        }
    }

    /// The outputs `surface` is drawn on (`OutputArea.index`), in order.
    public func outputs(of surface: Surface) -> [Int] {
        let set = onOutputs[ObjectIdentifier(surface)] ?? 0
        return scene.outputs.indices.filter { set & (1 << UInt32($0)) != 0 }
    }

    /// Something on the output changed: windows that moved may have entered or left outputs, the pointer
    /// re-picks its focus at once (surfaces going away can still be named in a leave) and a frame is scheduled.
    /// After a commit (`byCommit`), the pointer is re-picked only if the scene changed where it is
    /// (`Scene.hitTestChanges`): with N windows each committing every frame, a hit test per commit would
    /// cost O(N²) per frame, and a commit that only brings new pixels cannot change what is under the pointer.
    /// Anything else re-picks at once, as it always did.
    func sceneChanged(byCommit: Bool = false) {
        for view in scene.takeMovedViews() { updateOutputPresence(ofTree: view.surface) }
        let changed = scene.takeHitTestChanges()
        if !byCommit || pointerMayHaveChanged(in: changed) { pointerSceneChanged() }
        updatePointerConstraint()
        events?.sceneChanged()
    }

    /// A subsurface or popup left the tree rooted at `root`, or a popup moved in it (then, with several
    /// outputs, the tree's surfaces may have entered or left outputs).
    public func treeChanged(_ root: Surface) {
        scene.treeChanged(root)
        if scene.outputs.count > 1 { updateOutputPresence(ofTree: root) }
        sceneChanged()
    }

    /// A shown role went away (an xdg_surface's toplevel or popup): its surface leaves the output.
    public func roleRemoved(from surface: Surface) {
        scene.removeView(for: surface)
        sceneChanged()
    }

    /// The wl_surface is gone: it leaves the scene, its state is torn down (callbacks discarded, buffer
    /// released), and nothing names it any more: the pointer and keyboard focus let go of it without a leave
    /// (its client knows), a grab of its window ends, and each touch point on it ends with wl_touch.up.
    public func surfaceDestroyed(_ surface: Surface) {
        scene.removeView(for: surface)
        pointerConstraintSurfaceDestroyed(surface)
        surface.tearDown()
        surfaces[ObjectIdentifier(surface)] = nil
        onOutputs[ObjectIdentifier(surface)] = nil
        for window in windows where window.surface === surface {
            window.surface = nil
            events?.windowListChanged(window)   // a window without a surface is not listed
        }
        var wasLayer = false
        for layer in layerSurfaces where layer.surface === surface {
            layer.surface = nil
            layer.mapped = false
            if layerFocus === layer { layerFocus = nil }
            wasLayer = true
            arrangeLayers()
        }
        for popup in grabbingPopups where popup.surface === surface { popup.surface = nil }
        if pointerFocus === surface { pointerFocus = nil }   // buttons still down stay down: picked on release
        if keyboardFocus === surface { keyboardFocus = nil }
        if grab?.surface === surface { grab = nil }
        liftTouches(on: surface)
        if wasLayer { updateKeyboardFocus() }   // a layer surface that held the keyboard gives it back
        sceneChanged()
    }

    /// Where a surface's top-left corner is on the output: its tree's window position plus its offset in
    /// the tree ((0, 0) for a surface whose tree is not a window).
    public func outputPosition(of surface: Surface) -> (x: Int64, y: Int64) {
        let inTree = surface.offsetInTree
        guard let view = scene.view(for: surface.root) else { return inTree }
        return (view.x + inTree.x, view.y + inTree.y)
    }

    /// Where a surface is in the layout: at `outputPosition(of:)`, its logical size, at least 1×1 (so that a
    /// surface not yet sized still counts as being somewhere when outputs are picked for it).
    func layoutRect(of surface: Surface) -> Rect {
        let position = outputPosition(of: surface)
        return Rect(x: position.x, y: position.y, width: Swift.max(1, surface.width), height: Swift.max(1, surface.height))
    }

    /// Serials of input events a popup grab may quote: the last 16 button presses, releases and touch-downs.
    func sentInput(serial: UInt32) {
        recentInputSerials.append(serial)
        if recentInputSerials.count > 16 { recentInputSerials.removeFirst() }
    }
}
