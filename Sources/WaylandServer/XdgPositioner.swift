import CProtocolsServer
import CWaylandServer

/// xdg_positioner: accepted and validated so clients that create one start; Seawall has no popups yet, so
/// nothing reads it.
final class XdgPositioner: ResourceObject {
    private let resource: OpaquePointer

    static let implementation = Implementation(xdg_positioner_interface(
        destroy: Resource.destroyRequest,
        set_size: { _, resource, width, height in
            guard width > 0, height > 0 else { return XdgPositioner.invalid(resource, "size \(width)x\(height) is not positive") }
        },
        set_anchor_rect: { _, resource, _, _, width, height in
            guard width >= 0, height >= 0 else { return XdgPositioner.invalid(resource, "anchor rect \(width)x\(height) is negative") }
        },
        set_anchor: { _, resource, anchor in
            guard anchor <= 8 else { return XdgPositioner.invalid(resource, "anchor \(anchor) is not an xdg_positioner.anchor value") }
        },
        set_gravity: { _, resource, gravity in
            guard gravity <= 8 else { return XdgPositioner.invalid(resource, "gravity \(gravity) is not an xdg_positioner.gravity value") }
        },
        set_constraint_adjustment: { _, _, _ in },
        set_offset: { _, _, _, _ in },
        set_reactive: { _, _ in },
        set_parent_size: { _, _, _, _ in },
        set_parent_configure: { _, _, _ in }))

    private static func invalid(_ resource: OpaquePointer?, _ message: String) {
        guard let resource else { return }
        Resource.postError(resource, code: XDG_POSITIONER_ERROR_INVALID_INPUT.rawValue, message)
    }

    static func create(client: OpaquePointer, version: Int32, id: UInt32) {
        guard let resource = Resource.create(client: client, interface: Interfaces.xdgPositioner, version: version, id: id)
        else { return }
        Resource.bind(resource, implementation: implementation, object: XdgPositioner(resource: resource))
    }

    private init(resource: OpaquePointer) { self.resource = resource }

    func resourceDestroyed() {}
}
