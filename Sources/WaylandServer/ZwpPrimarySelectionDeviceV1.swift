import CProtocolsServer
import CWaylandServer
import Compositor

/// zwp_primary_selection_device_v1: a client's view of the seat's primary selection, as wl_data_device is of
/// the clipboard: while the client has the keyboard focus, each primary selection is announced to it as a new
/// zwp_primary_selection_offer_v1 (data_offer, its MIME types, then selection; selection(null) when cleared).
final class ZwpPrimarySelectionDeviceV1: SeatResource, ProtocolObject, SelectionDevice {
    typealias Source = ZwpPrimarySelectionSourceV1
    typealias Offer = ZwpPrimarySelectionOfferV1
    static let kind = SelectionKind.primary

    static let implementation = Implementation(zwp_primary_selection_device_v1_interface(
        set_selection: { _, resource, source, _ in setSelection(resource, source) },
        destroy: Resource.destroyRequest))

    func sendDataOffer(_ offer: OpaquePointer) { zwp_primary_selection_device_v1_send_data_offer(resource, offer) }
    func sendOffer(_ offer: OpaquePointer, _ mimeType: String) { zwp_primary_selection_offer_v1_send_offer(offer, mimeType) }
    func sendSelection(_ offer: OpaquePointer?) { zwp_primary_selection_device_v1_send_selection(resource, offer) }
}
