import Compositor
import CWaylandServer

/// The compositor's window, under a name that the nested `Server.Window` does not hide.
public typealias ManagedWindow = Window

/// Protocol objects by the compositor object they stand for (a `Surface`, a `Window`, a `Popup`, a
/// `DataSource`): how an event addressed to a compositor object finds the resource to send it on.
struct Registry<Object: AnyObject> {
    private var objects: [ObjectIdentifier: Object] = [:]

    subscript(model: AnyObject) -> Object? {
        get { objects[ObjectIdentifier(model)] }
        set { objects[ObjectIdentifier(model)] = newValue }
    }
}

/// The translator from the compositor's decisions to wire events: each event finds its protocol object
/// and sends; nothing here decides.
extension Server: CompositorEvents {
    public func configure(_ window: ManagedWindow) { toplevels[window]?.sendConfigure() }
    public func close(_ window: ManagedWindow) { toplevels[window]?.sendClose() }
    public func windowListChanged(_ window: ManagedWindow) { windowList.update(window, server: self) }

    /// wl_surface.enter / leave with the client's wl_outputs of that output; then what follows from the outputs
    /// the surface is on: its preferred scale, and a window's handles in window lists. The compositor has
    /// settled all of the surface's outputs before reporting the first change, so the first call sends those
    /// updates whole and the calls after it find nothing more to send.
    public func surface(_ surface: Surface, output index: Int, isOn: Bool) {
        guard let wl = surfaces[surface] else { return }
        for output in outputs(of: wl.client) where output.head == index {
            if isOn { wl_surface_send_enter(wl.resource, output.resource) } else { wl_surface_send_leave(wl.resource, output.resource) }
        }
        wl.fractionalScale?.update()
        if wl.roleName == "xdg_toplevel", let window = compositor.window(of: surface) { windowList.outputsChanged(of: window) }
    }

    public func pointerEnter(_ surface: Surface, serial: UInt32, x: Double, y: Double) {
        seat.pointerEnter(surface, serial: serial, x: x, y: y)
    }
    public func pointerLeave(_ surface: Surface, serial: UInt32) { seat.pointerLeave(surface, serial: serial) }
    public func pointerMotion(_ surface: Surface, x: Double, y: Double) { seat.pointerMotion(surface, x: x, y: y) }
    public func pointerAxis(_ surface: Surface, horizontal: Bool, value: Double, discrete: Int32) {
        seat.pointerAxis(surface, horizontal: horizontal, value: value, discrete: discrete)
    }
    public func pointerAxisFrame(_ surface: Surface, _ axes: PointerAxisFrame) { seat.pointerAxisFrame(surface, axes) }
    public func pointerRelativeMotion(_ surface: Surface, _ motion: RelativeMotion) { seat.pointerRelativeMotion(surface, motion) }
    public func pointerFrame(_ surface: Surface) { seat.pointerFrame(surface) }
    public func pointerConstraint(_ constraint: PointerConstraint, isActive: Bool) {
        seat.pointerConstraint(constraint, isActive: isActive)
    }
    public func pointerButton(_ surface: Surface, serial: UInt32, button: UInt32, pressed: Bool) {
        seat.pointerButton(surface, serial: serial, button: button, pressed: pressed)
    }

    public func touchDown(_ surface: Surface, serial: UInt32, id: Int32, x: Double, y: Double) {
        seat.touchDown(surface, serial: serial, id: id, x: x, y: y)
    }
    public func touchMotion(client: ClientID, id: Int32, x: Double, y: Double) {
        seat.touchMotion(client: client, id: id, x: x, y: y)
    }
    public func touchUp(client: ClientID, serial: UInt32, ids: [Int32]) { seat.touchUp(client: client, serial: serial, ids: ids) }

    public func keyboardEnter(_ surface: Surface, serial: UInt32) { seat.keyboardEnter(surface, serial: serial) }
    public func keyboardLeave(_ surface: Surface, serial: UInt32) { seat.keyboardLeave(surface, serial: serial) }
    public func keyboardKey(_ surface: Surface, serial: UInt32, key: UInt32, pressed: Bool) {
        seat.keyboardKey(surface, serial: serial, key: key, pressed: pressed)
    }
    public func keyboardModifiers(_ surface: Surface, serial: UInt32, depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32) {
        seat.keyboardModifiers(surface, serial: serial, depressed: depressed, latched: latched, locked: locked, group: group)
    }
    public func keyboardKeymap(_ keymap: KeymapHandle?, to client: ClientID) { seat.keyboardKeymap(keymap, to: client) }

    public func popupDone(_ popup: Popup) { popups[popup]?.sendPopupDone() }
    public func configure(_ layer: LayerSurface, width: UInt32, height: UInt32) {
        layerSurfaces[layer]?.sendConfigure(width: width, height: height)
    }

    public func offerSelection(_ source: DataSource?, _ kind: SelectionKind, to client: ClientID) {
        seat.offerSelection(source, kind, to: client)
    }
    public func cancel(_ source: DataSource) { seat.selectionSources[source]?.cancel() }

    public func sceneChanged() {
        scheduleRepaintSoon()
        for observer in sceneObservers { observer.action() }
    }
}
