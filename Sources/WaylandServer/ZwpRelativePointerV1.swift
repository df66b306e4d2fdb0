import CProtocolsServer
import CWaylandServer

/// zwp_relative_pointer_v1: relative_motion for every relative move while its client has the pointer focus,
/// also while a lock keeps the pointer still (SeatPointer.swift sends it, in the wl_pointer's frame). The
/// object outlives its wl_pointer harmlessly: it then gets relative motion without a frame to group it.
final class ZwpRelativePointerV1: ProtocolObject {
    typealias Requests = zwp_relative_pointer_v1_interface

    private unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    let resource: OpaquePointer
    let client: OpaquePointer
    /// The wl_pointer it was made for, while that lives (its wl_pointer.frame ends the motion's frame).
    private(set) weak var pointer: WlPointer?

    static let implementation = Implementation(zwp_relative_pointer_v1_interface(destroy: Resource.destroyRequest))

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32, pointer: WlPointer) {
        guard let (_, made) = makeResource(client: client, version: version, id: id, {
            ZwpRelativePointerV1(seat: seat, resource: $0, client: client, pointer: pointer)
        }) else { return }
        seat.relativePointers[client, default: [:]][ObjectIdentifier(made)] = made
    }

    private init(seat: Seat, resource: OpaquePointer, client: OpaquePointer, pointer: WlPointer) {
        self.seat = seat
        self.resource = resource
        self.client = client
        self.pointer = pointer
    }

    func resourceDestroyed() {
        seat.relativePointers[client]?[ObjectIdentifier(self)] = nil
        if seat.relativePointers[client]?.isEmpty == true { seat.relativePointers[client] = nil }
    }
}
