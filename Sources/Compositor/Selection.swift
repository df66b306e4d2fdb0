/// The selection (copy and paste): one per seat, set only by the client with the keyboard focus, offered to
/// whichever client has it.
extension Compositor {
    /// wl_data_device.set_selection from `client`: `source` (or nothing) is the clipboard now; the previous
    /// source is cancelled and the focused client hears of the new selection. Only the client with the
    /// keyboard focus may set it (as in Weston): a client in the background could otherwise push offer after
    /// offer at the one in front. Its source is cancelled instead, and false comes back (the protocol layer
    /// logs the refusal).
    @discardableResult
    public func setSelection(_ source: DataSource?, from client: ClientID) -> Bool {
        guard source !== selection else { return true }
        guard client == keyboardFocusClient else {
            if let source { events?.cancel(source) }
            return false
        }
        if let previous = selection { events?.cancel(previous) }
        selection = source
        offerSelectionToFocus()
        return true
    }

    /// The source's wl_data_source is gone: if it was the selection, the clipboard is empty now.
    public func dataSourceDestroyed(_ source: DataSource) {
        guard selection === source else { return }
        selection = nil
        offerSelectionToFocus()
    }

    /// wl_data_device.start_drag: Seawall carries no drags, so the source is cancelled at once — unless it is
    /// the selection, which it stays.
    public func dragStarted(with source: DataSource) {
        if source !== selection { events?.cancel(source) }
    }

    /// wl_data_offer.receive: the data is asked of the source only while it is the selection and offers
    /// that type (an offer outlives the selection it announced).
    public func mayReceive(_ mimeType: String, from source: DataSource) -> Bool {
        source === selection && source.mimeTypes.contains(mimeType)
    }

    private func offerSelectionToFocus() {
        guard let client = keyboardFocusClient else { return }
        events?.offerSelection(selection, to: client)
    }
}
