import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_popup: a short-lived surface placed relative to its parent by positioner rules, kept inside the
/// output by the rules' constraint adjustments, and drawn in the parent's tree above everything of it. A popup
/// made with a null parent waits for one from another protocol (zwlr_layer_surface_v1.get_popup, `adopt`)
/// before its initial commit.
final class XdgPopup: ProtocolObject, XdgRoleObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private weak var xdgSurface: XdgSurface?
    /// The parent xdg_surface (nil for a popup whose parent is a layer surface, or none yet).
    private weak var parent: XdgSurface?
    /// The surface whose tree the popup is drawn in: the parent xdg_surface's or the layer surface's.
    private weak var parentSurface: WlSurface?
    let resource: OpaquePointer
    private weak var surface: WlSurface?
    private var rules: PopupPositioner
    /// Where the popup is, relative to the parent's window geometry (as configured).
    private(set) var geometry = Rect(x: 0, y: 0, width: 0, height: 0)
    /// The popup as the compositor's popup grabs know it.
    let popup: Popup

    static let implementation = Implementation(xdg_popup_interface(
        destroy: Resource.destroyRequest,
        grab: { _, resource, _, serial in XdgPopup.from(resource)?.grab(serial: serial) },
        reposition: { client, resource, positioner, token in
            guard let client, let popup = XdgPopup.from(resource) else { return }
            guard let rules = XdgPositioner.from(positioner)?.rules, rules.isComplete else {
                return popup.server.postImplementationError(client: client,
                                                            "xdg_popup.reposition with an incomplete xdg_positioner")
            }
            popup.rules = rules
            popup.place()
            xdg_popup_send_repositioned(resource, token)
            popup.sendConfigure()
        }))

    static func create(server: Server, xdgSurface: XdgSurface, parent: XdgSurface?, parentSurface: WlSurface?,
                       client: OpaquePointer, version: Int32, id: UInt32, surface: WlSurface,
                       positioner: PopupPositioner) -> XdgPopup? {
        guard let (_, popup) = makeResource(client: client, version: version, id: id, {
            XdgPopup(server: server, xdgSurface: xdgSurface, parent: parent, resource: $0, surface: surface,
                     rules: positioner)
        }) else { return nil }
        server.popups[popup.popup] = popup
        surface.roleName = "xdg_popup"
        if let parentSurface { popup.attach(to: parentSurface) }
        return popup
    }

    private init(server: Server, xdgSurface: XdgSurface, parent: XdgSurface?, resource: OpaquePointer,
                 surface: WlSurface, rules: PopupPositioner) {
        self.server = server
        self.xdgSurface = xdgSurface
        self.parent = parent
        self.resource = resource
        self.surface = surface
        self.rules = rules
        popup = Popup(client: ClientID(wl_resource_get_client(resource)), surface: surface.state)
    }

    /// Applies the rules (`Compositor.placePopup`): the popup's geometry relative to the parent's window
    /// geometry, constrained to the output, and the surface's position in the parent's tree.
    private func place() {
        guard let parentSurface, let surface else { return }
        geometry = server.compositor.placePopup(surface.state, rules: rules, parent: parentSurface.state,
                                                parentGeometryOrigin: parent?.geometryOrigin ?? (x: 0, y: 0),
                                                geometryOrigin: xdgSurface?.geometryOrigin ?? (x: 0, y: 0))
    }

    private func attach(to parentSurface: WlSurface) {
        guard let surface else { return }
        self.parentSurface = parentSurface
        parentSurface.state.attachPopup(surface.state)
        place()
    }

    /// Whether the popup has its parent (one from get_popup, or one given since by `adopt`).
    var hasParent: Bool { parentSurface != nil }

    /// zwlr_layer_surface_v1.get_popup: `layerSurface` becomes the parent of this popup, made with a null
    /// parent and not yet committed. Returns why that cannot be, or nil when done.
    func adopt(by layerSurface: WlSurface) -> String? {
        guard let surface else { return "the popup's wl_surface is gone" }
        if parentSurface != nil { return "the xdg_popup already has a parent" }
        if xdgSurface?.hasSentInitialConfigure == true || surface.state.hasBuffer {
            return "the xdg_popup already had its initial commit; call get_popup before it"
        }
        if layerSurface === surface || layerSurface.state.root === surface.state {
            return "a popup cannot be its own parent"
        }
        attach(to: layerSurface)
        xdgSurface?.configureEagerlyIfAsked()
        return nil
    }

    /// xdg_popup.configure with the popup's geometry, then xdg_surface.configure.
    func sendConfigure() {
        xdg_popup_send_configure(resource, Int32(clamping: geometry.x), Int32(clamping: geometry.y),
                                 Int32(clamping: geometry.width), Int32(clamping: geometry.height))
        xdgSurface?.sendConfigure()
    }

    /// xdg_popup.grab: only before the popup is mapped (invalid_grab otherwise); the compositor decides
    /// whether the serial and the parent allow it, and dismisses the popup if not.
    private func grab(serial: UInt32) {
        if surface?.state.hasBuffer == true {
            return Resource.postError(resource, code: XDG_POPUP_ERROR_INVALID_GRAB.rawValue,
                                      "xdg_popup.grab after the popup was mapped")
        }
        server.compositor.grabPopup(popup, serial: serial, parentIsToplevel: parent?.role is XdgToplevel || (parent == nil && parentSurface != nil),
                                    parent: parent?.popup?.popup)
    }

    /// xdg_popup.popup_done (the compositor sends it once): the grab ended (or was refused); the client
    /// should destroy the popup.
    func sendPopupDone() { xdg_popup_send_popup_done(resource) }

    func resourceDestroyed() {
        server.popups[popup] = nil
        server.compositor.popupDestroyed(popup)
        if let surface {
            let root = surface.state.root
            surface.state.removeFromParent()
            server.compositor.treeChanged(root)
        }
        xdgSurface?.roleDestroyed()
        if let surface { server.compositor.roleRemoved(from: surface.state) }
    }
}
