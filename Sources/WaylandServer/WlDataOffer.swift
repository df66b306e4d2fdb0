import CWaylandServer
import Compositor
import SystemCalls

/// wl_data_offer: one announcement of the clipboard to one client. receive(mime, fd) hands the fd to the
/// source, which writes the data; an offer whose source is no longer the selection (or gone) just closes the fd.
final class WlDataOffer: ProtocolObject {
    private unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    private weak var source: SelectionSource?

    static let implementation = Implementation(wl_data_offer_interface(
        accept: { _, _, _, _ in },   // drag-and-drop feedback: no drags here
        receive: { _, resource, mimeType, fd in
            // The request's fd is Seawall's from the first line on; the source gets its own copy.
            guard fd >= 0 else { return }
            let owned = OwnedFD(taking: fd)
            guard let offer = WlDataOffer.from(resource), let mimeType else { return }
            offer.seat.receive(String(cString: mimeType), fd: owned, from: offer.source)
        },
        destroy: Resource.destroyRequest,
        finish: { _, _ in },
        set_actions: { _, _, _, _ in }))

    /// A server-made wl_data_offer for `client` (new_id in wl_data_device.data_offer); nil if out of memory.
    static func create(seat: Seat, source: SelectionSource, client: OpaquePointer, version: Int32) -> OpaquePointer? {
        makeResource(client: client, version: version, id: 0) { _ in WlDataOffer(seat: seat, source: source) }?.resource
    }

    private init(seat: Seat, source: SelectionSource) {
        self.seat = seat
        self.source = source
    }
}
