import CWaylandServer
import Compositor

/// wl_data_device: a client's view of the seat's clipboard. While the client has the keyboard focus, each
/// selection is announced to it as a new wl_data_offer (data_offer, its MIME types, then selection); a
/// cleared selection is selection(null). set_selection makes a source the selection; start_drag cancels
/// its source at once (Seawall does not carry drags).
final class WlDataDevice: SeatResource, ProtocolObject, SelectionDevice {
    typealias Source = WlDataSource
    typealias Offer = WlDataOffer
    static let kind = SelectionKind.clipboard

    static let implementation = Implementation(wl_data_device_interface(
        start_drag: { _, resource, source, _, _, _ in
            guard let device = WlDataDevice.from(resource), let source = WlDataSource.from(source) else { return }
            device.seat.compositor.dragStarted(with: source.source)
        },
        set_selection: { _, resource, source, _ in setSelection(resource, source) },
        release: Resource.destroyRequest))

    func sendDataOffer(_ offer: OpaquePointer) { wl_data_device_send_data_offer(resource, offer) }
    func sendOffer(_ offer: OpaquePointer, _ mimeType: String) { wl_data_offer_send_offer(offer, mimeType) }
    func sendSelection(_ offer: OpaquePointer?) { wl_data_device_send_selection(resource, offer) }
}
