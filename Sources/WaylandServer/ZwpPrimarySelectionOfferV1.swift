import CProtocolsServer
import CWaylandServer

/// zwp_primary_selection_offer_v1: one announcement of the primary selection to one client (`SelectionOffer`).
/// receive(mime, fd) hands the fd to the source while it is still the primary selection and offers that type;
/// otherwise the fd is just closed.
final class ZwpPrimarySelectionOfferV1: SelectionOffer, ProtocolObject {
    static let implementation = Implementation(zwp_primary_selection_offer_v1_interface(
        receive: { _, resource, mimeType, fd in receive(resource, mimeType, fd) },
        destroy: Resource.destroyRequest))
}
