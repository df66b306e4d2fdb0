import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_positioner: the rules a popup is placed by (Compositor.PopupPositioner), validated as they arrive.
/// get_popup and reposition copy the rules, so the positioner may be changed or destroyed afterwards.
final class XdgPositioner: ProtocolObject {
    private let resource: OpaquePointer
    private(set) var rules = PopupPositioner()

    static let implementation = Implementation(xdg_positioner_interface(
        destroy: Resource.destroyRequest,
        set_size: { _, resource, width, height in
            guard let positioner = XdgPositioner.from(resource) else { return }
            guard width > 0, height > 0 else { return positioner.invalid("size \(width)x\(height) is not positive") }
            positioner.rules.width = Int64(width)
            positioner.rules.height = Int64(height)
        },
        set_anchor_rect: { _, resource, x, y, width, height in
            guard let positioner = XdgPositioner.from(resource) else { return }
            guard width >= 0, height >= 0 else { return positioner.invalid("anchor rect \(width)x\(height) is negative") }
            positioner.rules.anchorRect = Rect.wire(x, y, width, height)
        },
        set_anchor: { _, resource, anchor in
            guard let positioner = XdgPositioner.from(resource) else { return }
            guard let edge = PopupPositioner.Edge(rawValue: anchor) else {
                return positioner.invalid("anchor \(anchor) is not an xdg_positioner.anchor value")
            }
            positioner.rules.anchor = edge
        },
        set_gravity: { _, resource, gravity in
            guard let positioner = XdgPositioner.from(resource) else { return }
            guard let edge = PopupPositioner.Edge(rawValue: gravity) else {
                return positioner.invalid("gravity \(gravity) is not an xdg_positioner.gravity value")
            }
            positioner.rules.gravity = edge
        },
        set_constraint_adjustment: { _, resource, adjustment in
            XdgPositioner.from(resource)?.rules.adjustment = PopupPositioner.Adjustment(rawValue: adjustment & 0x3f)
        },
        set_offset: { _, resource, x, y in
            guard let positioner = XdgPositioner.from(resource) else { return }
            positioner.rules.offsetX = Int64(x)
            positioner.rules.offsetY = Int64(y)
        },
        set_reactive: { _, resource in XdgPositioner.from(resource)?.rules.reactive = true },
        set_parent_size: { _, _, _, _ in },
        set_parent_configure: { _, _, _ in }))

    static func create(client: OpaquePointer, version: Int32, id: UInt32) {
        makeResource(client: client, version: version, id: id) { XdgPositioner(resource: $0) }
    }

    private init(resource: OpaquePointer) { self.resource = resource }

    private func invalid(_ message: String) {
        Resource.postError(resource, code: XDG_POSITIONER_ERROR_INVALID_INPUT.rawValue, message)
    }
}
