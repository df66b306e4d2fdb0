import CWaylandServer

/// wl_touch: one client's view of the seat's touch screen. Events come from `Seat`.
final class WlTouch: SeatResource, ProtocolObject {
    static let implementation = Implementation(wl_touch_interface(release: Resource.destroyRequest))

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let touch = make(seat: seat, client: client, version: version, id: id) else { return }
        seat.touchBound(touch)
    }
}
