import CWaylandServer

/// wl_data_offer: one announcement of the clipboard to one client (`SelectionOffer`). receive(mime, fd) hands
/// the fd to the source, which writes the data; an offer whose source is no longer the selection (or gone)
/// just closes the fd. Drag-and-drop requests do nothing: Seawall carries no drags.
final class WlDataOffer: SelectionOffer, ProtocolObject {
    static let implementation = Implementation(wl_data_offer_interface(
        accept: { _, _, _, _ in },
        receive: { _, resource, mimeType, fd in receive(resource, mimeType, fd) },
        destroy: Resource.destroyRequest,
        finish: { _, _ in },
        set_actions: { _, _, _, _ in }))
}
