import Compositor
import CProtocolsServer
import CWaylandServer

/// zwlr_layer_shell_v1: gives a wl_surface the layer surface role (ZwlrLayerSurfaceV1). Checks the surface
/// (no other role, no buffer yet) and the layer value; the placement and stacking are the compositor's
/// (LayerShell.swift, LayerArrangement.swift).
final class ZwlrLayerShellV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer

    static let implementation = Implementation(zwlr_layer_shell_v1_interface(
        get_layer_surface: { client, resource, id, surface, output, layer, namespace in
            guard let client, let shell = ZwlrLayerShellV1.from(resource) else { return }
            shell.getLayerSurface(client: client, id: id, surfaceResource: surface, outputResource: output, layer: layer,
                                  namespace: namespace.map { String(cString: $0) } ?? "")
        },
        destroy: Resource.destroyRequest))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { ZwlrLayerShellV1(server: server, resource: $0) }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    private func post(_ code: zwlr_layer_shell_v1_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    /// get_layer_surface. The layer surface goes on the output the wl_output names (libwayland has checked
    /// that it is one of this client's wl_outputs); null leaves the choice to the compositor, which puts it on
    /// the output the pointer is on (`Compositor.addLayerSurface`). The namespace is kept (at most 256 bytes
    /// of it) for logs.
    private func getLayerSurface(client: OpaquePointer, id: UInt32, surfaceResource: OpaquePointer?,
                                 outputResource: OpaquePointer?, layer: UInt32, namespace: String) {
        guard let surface = WlSurface.from(surfaceResource) else {
            return server.postImplementationError(client: client, "zwlr_layer_shell_v1.get_layer_surface: not a wl_surface Seawall made")
        }
        if let role = surface.roleName {
            return post(ZWLR_LAYER_SHELL_V1_ERROR_ROLE,
                        "wl_surface@\(wl_resource_get_id(surface.resource)) already has the role \(role)")
        }
        guard let layer = Layer(rawValue: layer) else {
            return post(ZWLR_LAYER_SHELL_V1_ERROR_INVALID_LAYER,
                        "layer \(layer) is not a zwlr_layer_shell_v1.layer (0 background, 1 bottom, 2 top, 3 overlay)")
        }
        if surface.state.hasBuffer || surface.state.pending.buffer.isAttach {
            return post(ZWLR_LAYER_SHELL_V1_ERROR_ALREADY_CONSTRUCTED,
                        "wl_surface@\(wl_resource_get_id(surface.resource)) already has a buffer; a layer surface must be made before the first attach")
        }
        ZwlrLayerSurfaceV1.create(server: server, client: client, version: wl_resource_get_version(resource), id: id,
                                  surface: surface, layer: layer, namespace: String(namespace.utf8.prefix(256)) ?? "",
                                  output: WlOutput.from(outputResource)?.head)
    }
}
