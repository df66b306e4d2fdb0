import CWaylandServer

/// A client's object for one of the seat's devices (wl_pointer, wl_keyboard, wl_touch) or for its clipboard
/// (wl_data_device): made for one client, sent events by `Seat`, and forgotten by it when destroyed.
class SeatResource: ResourceObject {
    unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    let resource: OpaquePointer
    let client: OpaquePointer

    var version: Int32 { wl_resource_get_version(resource) }

    required init(seat: Seat, resource: OpaquePointer, client: OpaquePointer) {
        self.seat = seat
        self.resource = resource
        self.client = client
    }

    /// `wl_resource_create` and a new object of this class bound to it; nil if the client is out of memory.
    static func make<Table>(seat: Seat, client: OpaquePointer, interface: Interface, version: Int32, id: UInt32,
                            implementation: Implementation<Table>) -> Self? {
        guard let resource = Resource.create(client: client, interface: interface, version: version, id: id)
        else { return nil }
        let object = Self(seat: seat, resource: resource, client: client)
        Resource.bind(resource, implementation: implementation, object: object)
        return object
    }

    func resourceDestroyed() { seat.forget(self) }
}
