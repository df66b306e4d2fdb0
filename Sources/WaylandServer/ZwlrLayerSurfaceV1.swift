import Compositor
import CProtocolsServer
import CWaylandServer

/// zwlr_layer_surface_v1: a wl_surface shown in one of the four layers. Requests fill the pending state
/// (double-buffered: applied by wl_surface.commit); the commit is refused with invalid_size when a size of 0
/// lacks its two anchors, and with invalid_surface_state when a buffer comes before the first configure was
/// acked. The compositor places the surface and decides its configures (LayerShell.swift). Once its
/// wl_surface is destroyed the object is inert: the surface has left the output and requests are ignored.
final class ZwlrLayerSurfaceV1: ProtocolObject, SurfaceRoleHandler {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    private(set) weak var surface: WlSurface?
    /// The surface as the compositor places it.
    let layer: LayerSurface
    /// The state the next commit applies.
    private var pending: LayerSurfaceState
    /// Serials sent and not yet acked, oldest first (bounded: a client that never acks cannot grow it).
    private var pendingSerials = ConfigureSerials()
    /// A configure of this cycle was acked (a buffer may be committed).
    private var acked = false

    static let implementation = Implementation(zwlr_layer_surface_v1_interface(
        set_size: { _, resource, width, height in
            guard let object = ZwlrLayerSurfaceV1.from(resource) else { return }
            object.pending.width = width
            object.pending.height = height
        },
        set_anchor: { _, resource, anchor in
            guard let object = ZwlrLayerSurfaceV1.from(resource) else { return }
            guard let value = LayerAnchor(wire: anchor) else {
                return object.post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_ANCHOR,
                                   "anchor \(anchor) has bits outside top (1), bottom (2), left (4) and right (8)")
            }
            object.pending.anchor = value
        },
        set_exclusive_zone: { _, resource, zone in ZwlrLayerSurfaceV1.from(resource)?.pending.exclusiveZone = zone },
        set_margin: { _, resource, top, right, bottom, left in
            guard let object = ZwlrLayerSurfaceV1.from(resource) else { return }
            object.pending.marginTop = top; object.pending.marginRight = right
            object.pending.marginBottom = bottom; object.pending.marginLeft = left
        },
        set_keyboard_interactivity: { _, resource, value in
            guard let object = ZwlrLayerSurfaceV1.from(resource) else { return }
            let version = wl_resource_get_version(resource)
            guard let interactivity = KeyboardInteractivity(rawValue: value), version >= 4 || value <= 1 else {
                return object.post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_KEYBOARD_INTERACTIVITY,
                                   "keyboard interactivity \(value) is not none (0), exclusive (1)\(version >= 4 ? " or on_demand (2)" : " (on_demand needs version 4)")")
            }
            object.pending.keyboardInteractivity = interactivity
        },
        get_popup: { _, resource, popup in ZwlrLayerSurfaceV1.from(resource)?.getPopup(popup) },
        ack_configure: { _, resource, serial in ZwlrLayerSurfaceV1.from(resource)?.ackConfigure(serial) },
        destroy: Resource.destroyRequest,
        set_layer: { _, resource, layer in
            guard let resource, let object = ZwlrLayerSurfaceV1.from(resource) else { return }
            guard let value = Layer(rawValue: layer) else {
                // The layer enum belongs to zwlr_layer_shell_v1; its invalid_layer is the error the XML names.
                return Resource.postError(resource, code: ZWLR_LAYER_SHELL_V1_ERROR_INVALID_LAYER.rawValue,
                                          "set_layer(\(layer)): not a layer (0 background, 1 bottom, 2 top, 3 overlay)")
            }
            object.pending.layer = value
        }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, surface: WlSurface,
                       layer: Layer, namespace: String, output: Int?) {
        guard let (_, object) = makeResource(client: client, version: version, id: id, {
            ZwlrLayerSurfaceV1(server: server, resource: $0, surface: surface, layer: layer, namespace: namespace, output: output)
        }) else { return }
        surface.roleHandler = object
        surface.roleName = "zwlr_layer_surface_v1"
        server.layerSurfaces[object.layer] = object
        server.compositor.addLayerSurface(object.layer)
    }

    private init(server: Server, resource: OpaquePointer, surface: WlSurface, layer: Layer, namespace: String, output: Int?) {
        self.server = server
        self.resource = resource
        self.surface = surface
        self.layer = LayerSurface(surface: surface.state, layer: layer, namespace: namespace, output: output)
        pending = LayerSurfaceState(layer: layer)
    }

    func post(_ code: zwlr_layer_surface_v1_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    /// get_popup: `popupResource` was made with a null parent and has not had its initial commit.
    private func getPopup(_ popupResource: OpaquePointer?) {
        guard self.surface != nil else { return }   // inert once its wl_surface is gone
        guard let surface, let popup = XdgPopup.from(popupResource) else {
            return post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SURFACE_STATE,
                        "get_popup: the xdg_popup or this layer surface's wl_surface is gone")
        }
        if let problem = popup.adopt(by: surface) {
            post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SURFACE_STATE, "get_popup: \(problem)")
        }
    }

    private func ackConfigure(_ serial: UInt32) {
        guard surface != nil else { return }   // inert once its wl_surface is gone
        guard pendingSerials.ack(serial) else {
            return post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SURFACE_STATE,
                        "ack_configure with serial \(serial), which Seawall never sent or was already acked")
        }
        acked = true
    }

    /// zwlr_layer_surface_v1.configure with a new serial.
    func sendConfigure(width: UInt32, height: UInt32) {
        let serial = server.nextSerial()
        pendingSerials.sent(serial)
        zwlr_layer_surface_v1_send_configure(resource, serial, width, height)
    }

    // MARK: SurfaceRoleHandler

    func willCommit(_ surface: WlSurface) -> Bool {
        if let message = pending.sizeError {
            post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SIZE, message)
            return false
        }
        let attaches = surface.state.pending.buffer.isAttach
        if attaches && !acked && !server.configuration.allowBufferBeforeFirstConfigure {
            post(ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SURFACE_STATE,
                 layer.initialized ? "buffer attached before the first configure was acked"
                                   : "buffer attached before the initial commit (commit once without a buffer, then ack the configure)")
            return false
        }
        return true
    }

    func didCommit(_ surface: WlSurface, effect: Surface.CommitEffect) {
        let wasMapped = layer.mapped
        server.compositor.layerCommitted(layer, state: pending, hasBuffer: effect.hasBuffer)
        if wasMapped && !effect.hasBuffer {
            // Unmapped: a new cycle, whose initial commit gets a new configure.
            acked = false
            pendingSerials.removeAll()
        }
    }

    func surfaceDestroyed() {
        surface = nil
    }

    func resourceDestroyed() {
        server.layerSurfaces[layer] = nil
        server.compositor.removeLayerSurface(layer)
        if let surface, surface.roleHandler === self { surface.roleHandler = nil }
    }
}
