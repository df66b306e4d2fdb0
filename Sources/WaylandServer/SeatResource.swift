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

    func resourceDestroyed() { seat.forget(self) }
}

extension ProtocolObject where Self: SeatResource {
    /// A new resource of this interface for `client` with a new object of this class bound to it; nil if the
    /// client is out of memory.
    static func make(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) -> Self? {
        makeResource(client: client, version: version, id: id) { Self(seat: seat, resource: $0, client: client) }?.object
    }
}
