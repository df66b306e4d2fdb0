import CWaylandServer

/// wl_pointer: one client's view of the seat's pointer. Events come from `Seat`; the client can only set a
/// cursor (accepted and not drawn: Seawall is headless) and release the object.
final class WlPointer: ResourceObject {
    private unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    let resource: OpaquePointer
    let client: OpaquePointer

    static let implementation = Implementation(wl_pointer_interface(
        set_cursor: { _, _, _, _, _, _ in },
        release: Resource.destroyRequest))

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let resource = Resource.create(client: client, interface: Interfaces.wlPointer, version: version, id: id)
        else { return }
        let pointer = WlPointer(seat: seat, resource: resource, client: client)
        Resource.bind(resource, implementation: implementation, object: pointer)
        seat.pointerBound(pointer)
    }

    private init(seat: Seat, resource: OpaquePointer, client: OpaquePointer) {
        self.seat = seat
        self.resource = resource
        self.client = client
    }

    var version: Int32 { wl_resource_get_version(resource) }

    func resourceDestroyed() { seat.pointerReleased(self) }
}
