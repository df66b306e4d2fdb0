import CWaylandServer
import Compositor

/// wl_subsurface: a surface drawn relative to its parent, in the parent's stack, synchronized with the
/// parent's commits unless set_desync. Position and stacking are applied on the parent's next commit.
final class WlSubsurface: ProtocolObject, SurfaceRoleHandler {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer
    private weak var surface: WlSurface?

    static let implementation = Implementation(wl_subsurface_interface(
        destroy: Resource.destroyRequest,
        set_position: { _, resource, x, y in
            WlSubsurface.from(resource)?.surface?.state.setPendingPosition(x: Int64(x), y: Int64(y))
        },
        place_above: { _, resource, sibling in WlSubsurface.from(resource)?.restack(above: true, sibling) },
        place_below: { _, resource, sibling in WlSubsurface.from(resource)?.restack(above: false, sibling) },
        set_sync: { _, resource in WlSubsurface.from(resource)?.surface?.state.synchronized = true },
        set_desync: { _, resource in WlSubsurface.from(resource)?.setDesync() }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, surface: WlSurface,
                       parent: WlSurface) {
        guard let (_, subsurface) = makeResource(client: client, version: version, id: id, {
            WlSubsurface(server: server, resource: $0, surface: surface)
        }) else { return }
        surface.roleName = "wl_subsurface"
        surface.roleHandler = subsurface
        parent.state.addSubsurface(surface.state)
    }

    private init(server: Server, resource: OpaquePointer, surface: WlSurface) {
        self.server = server
        self.resource = resource
        self.surface = surface
    }

    private func restack(above: Bool, _ siblingResource: OpaquePointer?) {
        guard let surface else { return }
        guard let sibling = WlSurface.from(siblingResource), surface.state.restack(above: above, relativeTo: sibling.state)
        else {
            return Resource.postError(resource, code: WL_SUBSURFACE_ERROR_BAD_SURFACE.rawValue,
                                      "place_\(above ? "above" : "below"): the reference surface is neither the parent nor a sibling")
        }
    }

    /// set_desync: from now on commits apply at once, and what was cached applies now (unless an ancestor
    /// is still synchronized).
    private func setDesync() {
        guard let surface else { return }
        surface.state.synchronized = false
        if !surface.state.isEffectivelySynchronized {
            server.compositor.commit(surface.state.applyCached())
        }
    }

    // MARK: SurfaceRoleHandler

    func willCommit(_ surface: WlSurface) -> Bool { true }
    func didCommit(_ surface: WlSurface, effect: Surface.CommitEffect) {}
    func surfaceDestroyed() {
        surface = nil
    }

    /// The subsurface role ends: the surface leaves its parent's stack (and the screen).
    func resourceDestroyed() {
        guard let surface else { return }
        let root = surface.state.root
        surface.state.removeFromParent()
        server.compositor.treeChanged(root)
        if surface.roleHandler === self { surface.roleHandler = nil }
    }
}
