import Compositor
import CProtocolsServer
import CWaylandServer

/// zwp_confined_pointer_v1: while active (confined .. unconfined) every move ends inside the region: the
/// surface's input region intersected with the constraint's, set_region changing it with the surface's next
/// commit (PointerConstraints.swift).
final class ZwpConfinedPointerV1: PointerConstraintResource, ProtocolObject {
    typealias Requests = zwp_confined_pointer_v1_interface

    static let implementation = Implementation(zwp_confined_pointer_v1_interface(
        destroy: Resource.destroyRequest,
        set_region: { _, resource, region in ZwpConfinedPointerV1.from(resource)?.setRegion(region) }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32,
                       constraint: PointerConstraint) -> ZwpConfinedPointerV1? {
        makeResource(client: client, version: version, id: id) {
            ZwpConfinedPointerV1(server: server, resource: $0, constraint: constraint)
        }?.object
    }

    override func send(active: Bool) {
        if active { zwp_confined_pointer_v1_send_confined(resource) } else { zwp_confined_pointer_v1_send_unconfined(resource) }
    }
}
