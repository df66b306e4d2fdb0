import CWaylandServer

/// wl_subcompositor: turns a wl_surface into a subsurface of another.
final class WlSubcompositor: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer

    static let implementation = Implementation(wl_subcompositor_interface(
        destroy: Resource.destroyRequest,
        get_subsurface: { client, resource, id, surface, parent in
            guard let client, let subcompositor = WlSubcompositor.from(resource) else { return }
            subcompositor.getSubsurface(client: client, id: id, surfaceResource: surface, parentResource: parent)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { WlSubcompositor(server: server, resource: $0) }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    private func getSubsurface(client: OpaquePointer, id: UInt32, surfaceResource: OpaquePointer?,
                               parentResource: OpaquePointer?) {
        guard let surface = WlSurface.from(surfaceResource), let parent = WlSurface.from(parentResource) else {
            return server.postImplementationError(client: client, "wl_subcompositor.get_subsurface: not a wl_surface Seawall made")
        }
        let name = "wl_surface@\(wl_resource_get_id(surface.resource))"
        // A surface keeps its role for life, but a wl_subsurface destroyed may be followed by another.
        if let role = surface.roleName, role != "wl_subsurface" || surface.roleHandler != nil {
            return Resource.postError(resource, code: WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE.rawValue,
                                      role == "wl_subsurface" ? "\(name) already has a wl_subsurface" : "\(name) already has the role \(role)")
        }
        if parent.state.isSelfOrAncestor(surface.state) {
            return Resource.postError(resource, code: WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE.rawValue,
                                      "\(name) cannot be a subsurface of itself or of its own descendant")
        }
        WlSubsurface.create(server: server, client: client, version: wl_resource_get_version(resource), id: id,
                            surface: surface, parent: parent)
    }
}
