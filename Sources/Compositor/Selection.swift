/// The selections (copy and paste): the clipboard (wl_data_device) and the primary selection
/// (zwp_primary_selection_device_v1, middle-click paste), one of each per seat, under the same rules: set only
/// by the client with the keyboard focus, offered to whichever client has it.
extension Compositor {
    /// The data source that is the `kind` selection now, if any.
    public func selection(_ kind: SelectionKind) -> DataSource? {
        switch kind {
        case .clipboard: return selection
        case .primary: return primarySelection
        }
    }

    private func store(_ source: DataSource?, as kind: SelectionKind) {
        switch kind {
        case .clipboard: selection = source
        case .primary: primarySelection = source
        }
    }

    /// wl_data_device.set_selection (`kind` clipboard) or zwp_primary_selection_device_v1.set_selection
    /// (`kind` primary) from `client`: `source` (or nothing) is that selection now; the previous source is
    /// cancelled and the focused client hears of the new selection. Only the client with the keyboard focus
    /// may set it (as in Weston): a client in the background could otherwise push offer after offer at the
    /// one in front. A refused clipboard source is cancelled, and false comes back (the protocol layer logs
    /// the refusal). A refused primary source is left as it is, uncancelled (as wlroots ignores such a
    /// request): GTK 4 sets the primary selection when it selects an entry's text, which happens as its
    /// window maps, before the keyboard focus arrives, and deselects the text when its source is cancelled.
    @discardableResult
    public func setSelection(_ source: DataSource?, _ kind: SelectionKind = .clipboard, from client: ClientID) -> Bool {
        precondition(source.map { $0.kind == kind } ?? true, "a \(kind) selection set from a source of another kind")
        let previous = selection(kind)
        guard source !== previous else { return true }
        guard client == keyboardFocusClient else {
            if let source, kind == .clipboard { events?.cancel(source) }
            return false
        }
        if let previous { events?.cancel(previous) }
        store(source, as: kind)
        offerSelectionToFocus(kind)
        return true
    }

    /// The source's protocol object is gone: if it was its kind's selection, that selection is empty now.
    public func dataSourceDestroyed(_ source: DataSource) {
        guard selection(source.kind) === source else { return }
        store(nil, as: source.kind)
        offerSelectionToFocus(source.kind)
    }

    /// wl_data_device.start_drag: Seawall carries no drags, so the source is cancelled at once — unless it is
    /// the selection, which it stays.
    public func dragStarted(with source: DataSource) {
        if source !== selection(source.kind) { events?.cancel(source) }
    }

    /// wl_data_offer.receive or zwp_primary_selection_offer_v1.receive: the data is asked of the source only
    /// while it is its kind's selection and offers that type (an offer outlives the selection it announced).
    public func mayReceive(_ mimeType: String, from source: DataSource) -> Bool {
        source === selection(source.kind) && source.mimeTypes.contains(mimeType)
    }

    /// A client gaining the keyboard focus hears every selection (the clipboard first).
    func offerSelections(to client: ClientID) {
        for kind in SelectionKind.allCases { events?.offerSelection(selection(kind), kind, to: client) }
    }

    private func offerSelectionToFocus(_ kind: SelectionKind) {
        guard let client = keyboardFocusClient else { return }
        events?.offerSelection(selection(kind), kind, to: client)
    }
}

/// Which selection a data source is for: the clipboard (wl_data_source) or the primary selection
/// (zwp_primary_selection_source_v1). The two follow the same rules and never mix.
public enum SelectionKind: Sendable, CaseIterable, CustomStringConvertible {
    case clipboard, primary

    public var description: String { self == .clipboard ? "clipboard" : "primary" }
}
