/// The keyboard focus and the popup grabs: the focus is a layer surface's that holds the keyboard
/// (LayerShell.swift), else the innermost grabbing popup's surface, else a layer surface's given the focus,
/// else the active window's; a client gaining it is offered the selections.
extension Compositor {
    /// A keyboard appears; returns whether it is new. (Seawall has no keyboard of its own: the focus exists
    /// without one, and follows the active window and grabbing popups.)
    public func addKeyboard() -> Bool {
        guard !hasKeyboard else { return false }
        hasKeyboard = true
        return true
    }

    /// The client whose surface has the keyboard focus.
    public var keyboardFocusClient: ClientID? { keyboardFocus?.client }

    /// Moves the keyboard focus where it belongs (the innermost grabbing popup, else the active window):
    /// leave for the old surface, enter (no keys, no modifiers) for the new, preceded by the current keymap if
    /// its client holds another, and the selections for a client that gains the focus.
    func updateKeyboardFocus() {
        let target: Surface?
        if let layer = keyboardLayer, let surface = layer.surface {
            // A layer surface with the keyboard keeps it; only its own grabbing popups go before it.
            target = grabbingPopups.last.flatMap { $0.surface?.root === surface ? $0.surface : nil } ?? surface
        } else {
            target = grabbingPopups.last?.surface ?? activeWindow?.surface
        }
        guard target !== keyboardFocus else { return }
        defer { updatePointerConstraint() }
        let oldClient = keyboardFocus?.client
        if let old = keyboardFocus { events?.keyboardLeave(old, serial: nextSerial()) }
        keyboardFocus = target
        guard let new = target else { return }
        sendKeymap(typingKeymap, to: new.client)   // the enter's modifiers (none) follow
        events?.keyboardEnter(new, serial: nextSerial())
        if new.client != oldClient { offerSelections(to: new.client) }
    }

    /// xdg_popup.grab: honoured for the serial of a recent button or touch-down event, on a popup whose
    /// parent is a toplevel (`parent` nil) or the innermost grabbing popup; otherwise the popup is dismissed
    /// at once.
    public func grabPopup(_ popup: Popup, serial: UInt32, parentIsToplevel: Bool, parent: Popup?) {
        guard !grabbingPopups.contains(where: { $0 === popup }) else { return }   // asked twice: it has its grab
        let validSerial = recentInputSerials.contains(serial)
        let validParent = grabbingPopups.isEmpty ? parentIsToplevel : (parent === grabbingPopups.last)
        guard validSerial, validParent else { return dismiss(popup) }
        grabbingPopups.append(popup)
        updateKeyboardFocus()
    }

    /// xdg_popup.popup_done, once per popup.
    private func dismiss(_ popup: Popup) {
        guard !popup.dismissed else { return }
        popup.dismissed = true
        events?.popupDone(popup)
    }

    /// Ends every popup grab, innermost first (xdg_popup.popup_done); the keyboard goes back to the window.
    public func dismissPopups() {
        guard !grabbingPopups.isEmpty else { return }
        let popups = grabbingPopups
        grabbingPopups.removeAll()
        for popup in popups.reversed() { dismiss(popup) }
        updateKeyboardFocus()
    }

    /// A popup was destroyed: it leaves the grab, and popups opened from it are dismissed (popup_done).
    public func popupDestroyed(_ popup: Popup) {
        guard let index = grabbingPopups.firstIndex(where: { $0 === popup }) else { return }
        let nested = grabbingPopups[(index + 1)...]
        grabbingPopups.removeSubrange(index...)
        for child in nested.reversed() { dismiss(child) }
        updateKeyboardFocus()
    }
}
