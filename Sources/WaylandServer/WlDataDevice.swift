import CWaylandServer

/// wl_data_device: a client's view of the seat's selection. While the client has the keyboard focus, each
/// selection is announced to it as a new wl_data_offer (data_offer, its MIME types, then selection); a
/// cleared selection is selection(null). set_selection makes a source the selection; start_drag cancels
/// its source at once (Seawall does not carry drags).
final class WlDataDevice: ResourceObject {
    private unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    let resource: OpaquePointer
    let client: OpaquePointer

    static let implementation = Implementation(wl_data_device_interface(
        start_drag: { _, _, source, _, _, _ in WlDataSource.from(source)?.cancel() },
        set_selection: { _, resource, source, _ in
            guard let device = WlDataDevice.from(resource) else { return }
            // The serial is not checked: there is no keyboard whose events it could name (as in Mir).
            device.seat.setSelection(WlDataSource.from(source))
        },
        release: Resource.destroyRequest))

    static func from(_ resource: OpaquePointer?) -> WlDataDevice? {
        Resource.object(resource, WlDataDevice.self, interface: Interfaces.wlDataDevice, implementation: implementation)
    }

    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let resource = Resource.create(client: client, interface: Interfaces.wlDataDevice, version: version, id: id)
        else { return }
        let device = WlDataDevice(seat: seat, resource: resource, client: client)
        Resource.bind(resource, implementation: implementation, object: device)
        seat.dataDeviceBound(device)
    }

    private init(seat: Seat, resource: OpaquePointer, client: OpaquePointer) {
        self.seat = seat
        self.resource = resource
        self.client = client
    }

    /// Announces `source` (or no selection) to this client.
    func offerSelection(_ source: WlDataSource?) {
        guard let source else { return wl_data_device_send_selection(resource, nil) }
        guard let offer = WlDataOffer.create(seat: seat, source: source, client: client,
                                             version: wl_resource_get_version(resource)) else { return }
        wl_data_device_send_data_offer(resource, offer)
        for mimeType in source.mimeTypes { wl_data_offer_send_offer(offer, mimeType) }
        wl_data_device_send_selection(resource, offer)
    }

    func resourceDestroyed() { seat.dataDeviceReleased(self) }
}
