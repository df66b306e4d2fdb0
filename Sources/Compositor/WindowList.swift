/// The window list that task bars, window switchers and scripts see (zwlr_foreign_toplevel_manager_v1), and
/// which of their requests Seawall honours. The rules are the compositor's own, whoever asks:
///
/// - Listed: a toplevel whose surface is mapped (it has a buffer). A window appears in the list when it maps
///   and leaves it (its handles get `closed`) when it unmaps, loses its role or its surface; mapped again, it
///   is a new entry.
/// - Minimized: Seawall has no task bar of its own, so a minimized window is simply hidden: still mapped and
///   listed, and still on the output as far as the list is concerned (a per-output task bar keeps showing
///   it), but not drawn, not hit by the pointer or touch, and no longer active (the topmost shown window
///   becomes active, as when the active window goes away); its surfaces leave the output (wl_surface.leave).
///   It comes back — shown, on top and active — when it is activated (by a window list, an xdg-activation
///   token, `seawall ctl focus`), unminimized, or asked by a window list to be maximized or fullscreen (its
///   own client asking gets the state, and the window stays minimized: otherwise a minimized client could
///   take the keyboard at will). The window's client is not told (xdg-shell has no minimized state). Minimizing a window that is not mapped does nothing, and a
///   window that unmaps is no longer minimized.
/// - Activate: the same as a click on the window (it becomes active and comes to the top), for a listed
///   window. A task bar's click is the user's action, so no activation token is needed.
/// - Maximize, fullscreen and their unsets: the same as the window's own xdg_toplevel requests (fullscreen on
///   the output the request names, or without one the output the window is mostly on).
/// - Close: the window's client is sent xdg_toplevel.close, as if its close button was pressed; the client
///   decides.
/// - Parent: the window named by xdg_toplevel.set_parent, listed only while it is listed itself.
extension Compositor {
    /// Whether `window` is in the window list: its role lives and its surface is mapped.
    public func isListed(_ window: Window) -> Bool {
        guard let surface = window.surface, let view = scene.view(for: surface) else { return false }
        return view.mapped && windows.contains { $0 === window }
    }

    /// The listed windows, in the order their roles were made.
    public var listedWindows: [Window] { windows.filter(isListed) }

    /// What a window list shows of `window`.
    public func listEntry(of window: Window) -> WindowListEntry {
        WindowListEntry(title: window.title, appID: window.appID, maximized: window.maximized,
                        minimized: window.minimized, activated: window.activated, fullscreen: window.fullscreen,
                        parent: window.parent.flatMap { isListed($0) ? $0 : nil })
    }

    /// xdg_toplevel.set_title.
    public func setTitle(_ title: String, of window: Window) {
        guard window.title != title else { return }
        window.title = title
        events?.windowListChanged(window)
    }

    /// xdg_toplevel.set_app_id.
    public func setAppID(_ appID: String, of window: Window) {
        guard window.appID != appID else { return }
        window.appID = appID
        events?.windowListChanged(window)
    }

    /// xdg_toplevel.set_parent: false (and nothing changes) if `parent` is the window itself or one of its
    /// descendants, which would make a loop (xdg_toplevel.error.invalid_parent).
    public func setParent(_ parent: Window?, of window: Window) -> Bool {
        var ancestor = parent
        while let current = ancestor {
            if current === window { return false }
            ancestor = current.parent
        }
        guard window.parent !== parent else { return true }
        window.parent = parent
        events?.windowListChanged(window)
        return true
    }

    /// xdg_toplevel.set_minimized or a window list's set_minimized: a mapped window is hidden (see above).
    /// Returns whether it was minimized now.
    @discardableResult
    public func minimize(_ window: Window) -> Bool {
        guard !window.minimized, isListed(window), let surface = window.surface else { return false }
        window.minimized = true
        scene.setHidden(surface, true)
        updateOutputPresence(ofTree: surface)
        if let grab, grab.acts(on: window) {
            if case .resize = grab { grabEnded(grab) }
            self.grab = nil
        }
        if activeWindow === window {
            dismissPopups()   // grabbing popups belong to the active window
            window.activated = false
            events?.configure(window)
            activateNext()
        }
        events?.windowListChanged(window)
        sceneChanged()
        return true
    }

    /// A window list's unset_minimized: the window is shown again, on top and active.
    public func unminimize(_ window: Window) {
        guard window.minimized else { return }
        activate(window)   // restores it first
    }

    /// Shows a minimized window again, on top (activation follows in `activate`).
    func restore(_ window: Window) {
        window.minimized = false
        guard let surface = window.surface else { return }
        scene.setHidden(surface, false)
        scene.raise(surface)
        updateOutputPresence(ofTree: surface)
        events?.windowListChanged(window)
        sceneChanged()
    }

    /// A window unmapped (a commit without a buffer): it is no longer minimized.
    func windowUnmapped(_ window: Window) {
        guard window.minimized else { return }
        window.minimized = false
        if let surface = window.surface { scene.setHidden(surface, false) }
    }

    /// A window list's activate: the window becomes active and comes to the top, as if clicked. Ignored for
    /// a window that is not listed; returns whether anything changed.
    @discardableResult
    public func activateFromList(_ window: Window) -> Bool {
        guard isListed(window), let surface = window.surface else { return false }
        let onTop = scene.isTopOfItsStratum(surface)
        guard activeWindow !== window || window.minimized || !onTop else { return false }
        if activeWindow !== window || window.minimized { activate(window) }
        if !scene.isTopOfItsStratum(surface) { raise(surface) }
        return true
    }

    /// A window list's close: the window's client is asked to close it (for a listed window).
    public func requestClose(_ window: Window) {
        guard isListed(window) else { return }
        events?.close(window)
    }
}

/// One window as a window list shows it: the zwlr_foreign_toplevel_handle_v1 events' content.
public struct WindowListEntry: Equatable {
    public var title: String?
    public var appID: String?
    public var maximized: Bool
    public var minimized: Bool
    public var activated: Bool
    public var fullscreen: Bool
    /// The parent window, if it is listed.
    public var parent: Window?

    public init(title: String?, appID: String?, maximized: Bool, minimized: Bool, activated: Bool,
                fullscreen: Bool, parent: Window?) {
        self.title = title; self.appID = appID; self.maximized = maximized; self.minimized = minimized
        self.activated = activated; self.fullscreen = fullscreen; self.parent = parent
    }

    public static func == (a: WindowListEntry, b: WindowListEntry) -> Bool {
        a.title == b.title && a.appID == b.appID && a.maximized == b.maximized && a.minimized == b.minimized
            && a.activated == b.activated && a.fullscreen == b.fullscreen && a.parent === b.parent
    }
}
