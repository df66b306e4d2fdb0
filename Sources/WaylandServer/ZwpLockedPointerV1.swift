import Compositor
import CProtocolsServer
import CWaylandServer

/// zwp_locked_pointer_v1: the pointer stays where it is while the lock is active (locked .. unlocked); the
/// client gets relative motion only. set_cursor_position_hint and set_region are double-buffered (applied by
/// the surface's commit); when the client destroys an active lock the pointer goes to the hint
/// (PointerConstraints.swift).
final class ZwpLockedPointerV1: PointerConstraintResource, ProtocolObject {
    typealias Requests = zwp_locked_pointer_v1_interface

    static let implementation = Implementation(zwp_locked_pointer_v1_interface(
        destroy: Resource.destroyRequest,
        set_cursor_position_hint: { _, resource, x, y in
            guard let lock = ZwpLockedPointerV1.from(resource), lock.constraint.surface != nil else { return }
            lock.constraint.pendingCursorHint = (wl_fixed_to_double(x), wl_fixed_to_double(y))
        },
        set_region: { _, resource, region in ZwpLockedPointerV1.from(resource)?.setRegion(region) }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32,
                       constraint: PointerConstraint) -> ZwpLockedPointerV1? {
        makeResource(client: client, version: version, id: id) {
            ZwpLockedPointerV1(server: server, resource: $0, constraint: constraint)
        }?.object
    }

    override func send(active: Bool) {
        if active { zwp_locked_pointer_v1_send_locked(resource) } else { zwp_locked_pointer_v1_send_unlocked(resource) }
    }
}
