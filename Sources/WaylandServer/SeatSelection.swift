import CWaylandServer
import Compositor

/// The selection's protocol side: data sources by their compositor object, and the selection offered to a
/// client's data devices. Who may set it and who is offered it is the compositor's (Selection.swift).
extension Seat {
    func dataSourceCreated(_ source: WlDataSource) { dataSources[source.source] = source }

    func dataSourceDestroyed(_ source: WlDataSource) {
        dataSources[source.source] = nil
        compositor.dataSourceDestroyed(source.source)
    }

    /// wl_data_device.set_selection from `client` (a client without the keyboard focus is refused).
    func setSelection(_ source: WlDataSource?, from client: OpaquePointer) {
        guard !compositor.setSelection(source?.source, from: ClientID(client)) else { return }
        server.log.notice("set_selection from \(server.describe(client: client)) ignored: it does not have the keyboard focus")
    }

    /// A new wl_data_device of the focused client hears the current selection at once.
    func dataDeviceBound(_ device: WlDataDevice) {
        dataDevices.append(device)
        if ClientID(device.client) == compositor.keyboardFocusClient { device.offerSelection(selectionSource) }
    }

    /// Announces `source` (or no selection) to `client`'s data devices.
    func offerSelection(_ source: DataSource?, to client: ClientID) {
        let wlSource = source.flatMap { dataSources[$0] }
        for device in dataDevices where ClientID(device.client) == client { device.offerSelection(wlSource) }
    }

    /// The wl_data_source of the current selection.
    private var selectionSource: WlDataSource? { compositor.selection.flatMap { dataSources[$0] } }
}
