/// The pointer: its position, the surface with its focus (picked by `Scene.surface(atX:y:)`), the implicit
/// grab while buttons are down, and the re-pick whenever the scene changes under a still pointer.
extension Compositor {
    /// What re-picking the focus came to.
    enum FocusChange { case entered, same, none }

    /// A pointer device appears; returns whether it is new (every wl_seat then hears the capabilities).
    public func addPointer() -> Bool {
        guard !hasPointer else { return false }
        hasPointer = true
        pointerPickStale = true
        return true
    }

    /// The surface with the pointer focus.
    public var pointerFocusSurface: Surface? { pointerFocus }

    /// Where the pointer is on the focused surface, in surface-local coordinates.
    public var pointerOnFocus: (x: Double, y: Double) {
        (pointerX - Double(pointerFocusOrigin.x), pointerY - Double(pointerFocusOrigin.y))
    }

    /// Moves the pointer to output coordinates (x, y). During a move or resize the window follows and no
    /// client sees the pointer; otherwise a new focus learns the position from its enter event, and the
    /// surface already focused gets motion.
    /// An active pointer constraint applies first: a lock keeps the pointer (and sends nothing), a confinement
    /// holds it in its region (PointerConstraints.swift).
    public func movePointer(toX x: Double, y: Double) {
        if grab == nil, let lock = activePointerConstraint, lock.kind == .lock { return }
        let point = constrainedDestination(x: x.asInputCoordinate, y: y.asInputCoordinate)
        pointerX = point.x
        pointerY = point.y
        if scene.outputs.count > 1, let output = scene.outputs.index(containingX: point.x, y: point.y) {
            scene.focusedOutput = output   // new windows go where the pointer is
        }
        if let grab { return grabbedPointerMoved(grab) }
        if case .entered = updatePointerFocus() { return }
        sendPointerMotion()
        updatePointerConstraint()
    }

    /// A button (a Linux input code, e.g. BTN_LEFT = 0x110) goes down or up. While any is down, the focus
    /// stays where the first press happened (an implicit grab). A press activates and raises the window
    /// under the pointer. A press outside the grabbing popups' client (on another client's surface, or on
    /// none) ends the popup grab and is used up doing so, whole: no client gets the press, nor later its
    /// release, nothing is activated, and no implicit grab holds the focus (weston and wlroots also keep both
    /// halves of such a click from the window under the pointer). A client never sees a release without its press.
    public func pointerButton(_ button: UInt32, pressed: Bool) {
        if pressed { pressedButtons.insert(button) } else { pressedButtons.remove(button) }
        let swallowed = !pressed && swallowedButtons.remove(button) != nil
        if let grab {
            // The move or resize ends with the last button the client got the press of; the window's client
            // never saw the pointer leave its grab, so the release is not sent, and the focus is picked afresh.
            guard deliveredButtons.isEmpty else { return }
            self.grab = nil
            grabEnded(grab)
            updatePointerFocus()
            return
        }
        if pressed, let owner = grabbingPopups.last?.client, pointerFocus?.client != owner {
            swallowedButtons.insert(button)
            return dismissPopups()
        }
        if swallowed {
            if deliveredButtons.isEmpty { updatePointerFocus() }
            return
        }
        if pressed, deliveredButtons.count == 1, let focus = pointerFocus { focusWindow(of: focus) }
        if let focus = pointerFocus {
            let serial = nextSerial()
            if pressed { lastPressSerial = serial }
            sentInput(serial: serial)
            if pressed { userInput(serial: serial, to: focus) }
            events?.pointerButton(focus, serial: serial, button: button, pressed: pressed)
        }
        if deliveredButtons.isEmpty { updatePointerFocus() }
    }

    /// The buttons held whose press a client got (the implicit grab is theirs).
    var deliveredButtons: Set<UInt32> { pressedButtons.subtracting(swallowedButtons) }

    /// Whether `button` is held and its press ended a popup grab, reaching no client (its release reaches
    /// none either).
    public func buttonIsSwallowed(_ button: UInt32) -> Bool { swallowedButtons.contains(button) }

    /// The topmost drawn surface at output point (x, y) whose input region accepts it.
    func surface(atX x: Double, y: Double) -> Scene.Hit? {
        scene.surface(atX: Int64(x.rounded(.down)), y: Int64(y.rounded(.down)))
    }

    /// Re-picks the focus (after motion, a release, and whenever the scene changes under a still pointer).
    /// A focus that stays has its output position refreshed.
    @discardableResult
    func updatePointerFocus() -> FocusChange {
        guard hasPointer, grab == nil else { return .none }
        guard deliveredButtons.isEmpty else {
            // An implicit grab keeps the focus, wherever its surface went.
            if let focus = pointerFocus { pointerFocusOrigin = outputPosition(of: focus) }
            return .same
        }
        let under = surface(atX: pointerX, y: pointerY)
        pointerPickStale = false
        if let under, under.surface === pointerFocus {
            pointerFocusOrigin = (under.x, under.y)
            return .same
        }
        sendPointerLeave()
        pointerFocus = under?.surface
        pointerFocusOrigin = under.map { ($0.x, $0.y) } ?? (0, 0)
        defer { updatePointerConstraint() }
        guard let new = pointerFocus else { return .none }
        let (x, y) = pointerOnFocus
        events?.pointerEnter(new, serial: nextSerial(), x: x, y: y)
        return .entered
    }

    /// The scene changed (a window mapped, moved, restacked or went away; a subsurface moved): the pointer
    /// stays where it is, so the focus may change, or the focused surface moved under it and its client
    /// hears the new position as motion. Runs at once, so a surface that is going away can still be left.
    func pointerSceneChanged() {
        guard hasPointer, grab == nil, let before = pointerFocus.map({ ($0, pointerFocusOrigin) }) else {
            updatePointerFocus()
            return
        }
        guard case .same = updatePointerFocus(), pointerFocus === before.0,
              pointerFocusOrigin != before.1 else { return }
        sendPointerMotion()
    }

    /// Whether a commit whose hit-test changes lie in `changed` (`Scene.hitTestChanges`) may change the
    /// pointer's focus or its position on it: the pointer is in that area, or the focus does not follow the
    /// hit test now (an implicit grab keeps it wherever its surface goes; `pointerSceneChanged` then only
    /// refreshes where it is, which costs no hit test).
    func pointerMayHaveChanged(in changed: Rect) -> Bool {
        guard hasPointer, grab == nil else { return false }
        if !pressedButtons.isEmpty || pointerPickStale { return true }
        return changed.contains(x: Int64(pointerX.rounded(.down)), y: Int64(pointerY.rounded(.down)))
    }

    /// wl_pointer.motion (and frame) to the focus, at the pointer's position on it.
    private func sendPointerMotion() {
        guard let focus = pointerFocus else { return }
        let (x, y) = pointerOnFocus
        events?.pointerMotion(focus, x: x, y: y)
    }

    /// wl_pointer.leave (and frame) to the focus.
    func sendPointerLeave() {
        guard let old = pointerFocus else { return }
        events?.pointerLeave(old, serial: nextSerial())
    }
}
