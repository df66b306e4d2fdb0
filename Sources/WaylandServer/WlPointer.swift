import CWaylandServer

/// wl_pointer: one client's view of the seat's pointer. Events come from `Seat`; the client can only set a
/// cursor (accepted and not drawn: Seawall is headless) and release the object.
final class WlPointer: SeatResource, ProtocolObject {
    static let implementation = Implementation(wl_pointer_interface(
        set_cursor: { _, _, _, _, _, _ in },
        release: Resource.destroyRequest))

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let pointer = make(seat: seat, client: client, version: version, id: id) else { return }
        seat.pointerBound(pointer)
    }
}
