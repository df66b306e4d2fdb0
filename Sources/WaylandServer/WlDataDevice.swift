import CWaylandServer
import Compositor

/// wl_data_device: a client's view of the seat's selection. While the client has the keyboard focus, each
/// selection is announced to it as a new wl_data_offer (data_offer, its MIME types, then selection); a
/// cleared selection is selection(null). set_selection makes a source the selection; start_drag cancels
/// its source at once (Seawall does not carry drags).
final class WlDataDevice: SeatResource, ProtocolObject {
    static let implementation = Implementation(wl_data_device_interface(
        start_drag: { _, resource, source, _, _, _ in
            guard let device = WlDataDevice.from(resource), let source = WlDataSource.from(source) else { return }
            device.seat.compositor.dragStarted(with: source.source)
        },
        set_selection: { _, resource, source, _ in
            guard let device = WlDataDevice.from(resource) else { return }
            // The serial is not checked (a seat without a keyboard has no events it could name, as in
            // Mir); the focus is (Compositor.setSelection).
            device.seat.setSelection(WlDataSource.from(source), from: device.client)
        },
        release: Resource.destroyRequest))

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let device = make(seat: seat, client: client, version: version, id: id) else { return }
        seat.dataDeviceBound(device)
    }

    /// Announces `source` (or no selection) to this client.
    func offerSelection(_ source: WlDataSource?) {
        guard let source else { return wl_data_device_send_selection(resource, nil) }
        guard let offer = WlDataOffer.create(seat: seat, source: source, client: client,
                                             version: version) else { return }
        wl_data_device_send_data_offer(resource, offer)
        for mimeType in source.mimeTypes { wl_data_offer_send_offer(offer, mimeType) }
        wl_data_device_send_selection(resource, offer)
    }
}
