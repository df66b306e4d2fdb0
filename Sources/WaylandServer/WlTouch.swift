import CWaylandServer

/// wl_touch: one client's view of the seat's touch screen. Events come from `Seat`.
final class WlTouch: ResourceObject {
    private unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    let resource: OpaquePointer
    let client: OpaquePointer

    static let implementation = Implementation(wl_touch_interface(release: Resource.destroyRequest))

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let resource = Resource.create(client: client, interface: Interfaces.wlTouch, version: version, id: id)
        else { return }
        let touch = WlTouch(seat: seat, resource: resource, client: client)
        Resource.bind(resource, implementation: implementation, object: touch)
        seat.touchBound(touch)
    }

    private init(seat: Seat, resource: OpaquePointer, client: OpaquePointer) {
        self.seat = seat
        self.resource = resource
        self.client = client
    }

    func resourceDestroyed() { seat.touchReleased(self) }
}
