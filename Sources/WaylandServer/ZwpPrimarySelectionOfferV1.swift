import CProtocolsServer
import CWaylandServer
import Compositor
import SystemCalls

/// zwp_primary_selection_offer_v1: one announcement of the primary selection to one client. receive(mime, fd)
/// hands the fd to the source while it is still the primary selection and offers that type
/// (`Seat.receive`); otherwise the fd is just closed.
final class ZwpPrimarySelectionOfferV1: ProtocolObject {
    private unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    private weak var source: SelectionSource?

    static let implementation = Implementation(zwp_primary_selection_offer_v1_interface(
        receive: { _, resource, mimeType, fd in
            guard fd >= 0 else { return }
            let owned = OwnedFD(taking: fd)   // Seawall's from here on; the source gets its own copy
            guard let offer = ZwpPrimarySelectionOfferV1.from(resource), let mimeType else { return }
            offer.seat.receive(String(cString: mimeType), fd: owned, from: offer.source)
        },
        destroy: Resource.destroyRequest))

    /// A server-made offer for `client` (new_id in zwp_primary_selection_device_v1.data_offer); nil if out of memory.
    static func create(seat: Seat, source: SelectionSource, client: OpaquePointer, version: Int32) -> OpaquePointer? {
        makeResource(client: client, version: version, id: 0) { _ in ZwpPrimarySelectionOfferV1(seat: seat, source: source) }?.resource
    }

    private init(seat: Seat, source: SelectionSource) {
        self.seat = seat
        self.source = source
    }
}
