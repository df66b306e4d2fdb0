/// A Wayland client as the compositor knows it: an identity to compare, nothing to call. The protocol layer
/// makes one from its wl_client pointer; tests make them from numbers.
public struct ClientID: Hashable, Sendable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
}

/// What the compositor decided, for the protocol layer to send. Every event is addressed by the compositor's
/// own objects (a `Surface`, a `Window`, a `Popup`, a `DataSource`, a client) and is called synchronously in
/// the order the decisions are made, so the order on the wire is the order of the decisions. Serials are the
/// compositor's (`Compositor.nextSerial()`), so that it can check the ones clients quote back.
public protocol CompositorEvents: AnyObject {
    /// The window's state or the size it is asked to take changed: xdg_toplevel.configure, then
    /// xdg_surface.configure.
    func configure(_ window: Window)
    /// What a window list shows of the window changed: it was mapped, unmapped or removed, or its title, app
    /// id, states (maximized, minimized, activated, fullscreen) or parent changed. The protocol layer brings
    /// every zwlr_foreign_toplevel_handle_v1 up to date (`Compositor.isListed`, `listEntry(of:)`).
    func windowListChanged(_ window: Window)
    /// The window is asked to close (a window list's request): xdg_toplevel.close.
    func close(_ window: Window)
    /// The surface started (true) or stopped being drawn on output `output` (`OutputArea.index`):
    /// wl_surface.enter / leave with the client's wl_outputs of that output.
    func surface(_ surface: Surface, output: Int, isOn: Bool)

    /// wl_pointer.enter at surface-local (x, y), then frame.
    func pointerEnter(_ surface: Surface, serial: UInt32, x: Double, y: Double)
    /// wl_pointer.leave, then frame.
    func pointerLeave(_ surface: Surface, serial: UInt32)
    /// wl_pointer.motion at surface-local (x, y), then frame.
    func pointerMotion(_ surface: Surface, x: Double, y: Double)
    /// wl_pointer.button (a Linux input code), then frame.
    func pointerButton(_ surface: Surface, serial: UInt32, button: UInt32, pressed: Bool)
    /// A wheel turned `discrete` clicks (wl_pointer.axis_source wheel and axis_discrete where the version has
    /// them), wl_pointer.axis by `value`, then frame.
    func pointerAxis(_ surface: Surface, horizontal: Bool, value: Double, discrete: Int32)
    /// One frame of axis events (a virtual pointer's): axis_source if the frame names one, then per axis
    /// axis_discrete, axis and axis_stop as the frame has them (each where the version has it), then frame.
    func pointerAxisFrame(_ surface: Surface, _ axes: PointerAxisFrame)
    /// zwp_relative_pointer_v1.relative_motion to the client's relative pointers (its wl_pointer frame follows,
    /// with the motion's wl_pointer.motion or from `pointerFrame`).
    func pointerRelativeMotion(_ surface: Surface, _ motion: RelativeMotion)
    /// wl_pointer.frame alone, ending a frame that had only relative motion (the pointer is locked).
    func pointerFrame(_ surface: Surface)
    /// The constraint was activated (zwp_locked_pointer_v1.locked, zwp_confined_pointer_v1.confined) or
    /// deactivated (unlocked, unconfined).
    func pointerConstraint(_ constraint: PointerConstraint, isActive: Bool)

    /// wl_touch.down at surface-local (x, y), then frame.
    func touchDown(_ surface: Surface, serial: UInt32, id: Int32, x: Double, y: Double)
    /// wl_touch.motion at surface-local (x, y), then frame, to the client's touch objects.
    func touchMotion(client: ClientID, id: Int32, x: Double, y: Double)
    /// wl_touch.up for each of `ids`, then one frame, to the client's touch objects.
    func touchUp(client: ClientID, serial: UInt32, ids: [Int32])

    /// wl_keyboard.enter (no keys down) and modifiers (none).
    func keyboardEnter(_ surface: Surface, serial: UInt32)
    /// wl_keyboard.leave.
    func keyboardLeave(_ surface: Surface, serial: UInt32)
    /// wl_keyboard.key (an evdev code) to the keyboard focus.
    func keyboardKey(_ surface: Surface, serial: UInt32, key: UInt32, pressed: Bool)
    /// wl_keyboard.modifiers to the keyboard focus.
    func keyboardModifiers(_ surface: Surface, serial: UInt32, depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32)
    /// wl_keyboard.keymap to every wl_keyboard of `client`: `keymap`'s file, or Seawall's own for nil.
    func keyboardKeymap(_ keymap: KeymapHandle?, to client: ClientID)

    /// zwlr_layer_surface_v1.configure with a new serial and the size the arrangement gives the surface.
    func configure(_ layer: LayerSurface, width: UInt32, height: UInt32)

    /// xdg_popup.popup_done: the popup's grab ended or was refused (sent once per popup).
    func popupDone(_ popup: Popup)

    /// The `kind` selection (or none) is announced to `client`'s devices of that kind (wl_data_device or
    /// zwp_primary_selection_device_v1: data_offer, the offer's MIME types, then selection).
    func offerSelection(_ source: DataSource?, _ kind: SelectionKind, to client: ClientID)
    /// wl_data_source.cancelled or zwp_primary_selection_source_v1.cancelled: the source is not (or no longer)
    /// its kind's selection.
    func cancel(_ source: DataSource)

    /// Something on the output changed: a frame is due (the protocol layer schedules the repaint).
    func sceneChanged()
}

extension CompositorEvents {
    /// Recorders that do not follow layer surfaces ignore their configures.
    public func configure(_ layer: LayerSurface, width: UInt32, height: UInt32) {}
}

/// An xdg_popup as the compositor sees it, for the popup-grab stack: its client, its surface while the
/// wl_surface lives, and whether popup_done went out.
public final class Popup {
    public let client: ClientID
    /// The popup's surface; nil once its wl_surface is destroyed.
    public internal(set) var surface: Surface?
    /// popup_done was sent: the popup stays (hidden by nothing) until its client destroys it.
    public internal(set) var dismissed = false

    public init(client: ClientID, surface: Surface) {
        self.client = client
        self.surface = surface
    }
}

/// A wl_data_source or zwp_primary_selection_source_v1 as the compositor sees it: whose it is, which
/// selection it is for and what it offers.
public final class DataSource {
    public let client: ClientID
    public let kind: SelectionKind
    /// The MIME types offered, in the order first offered, each once.
    public private(set) var mimeTypes: [String] = []

    public init(client: ClientID, kind: SelectionKind = .clipboard) {
        self.client = client
        self.kind = kind
    }

    /// wl_data_source.offer or zwp_primary_selection_source_v1.offer (a type offered again is not repeated). The protocol layer enforces the limits.
    public func offer(_ mimeType: String) {
        if !mimeTypes.contains(mimeType) { mimeTypes.append(mimeType) }
    }
}
