import CWaylandServer
import Compositor
import SystemCalls

/// wl_data_source: what a client offers to paste, as a list of MIME types (capped: `SelectionSource`). Set as
/// the seat's selection (wl_data_device.set_selection), it is asked to write the data into a pipe whenever a
/// client receives an offer of it; it is cancelled when another selection replaces it. Dragging is not offered.
final class WlDataSource: SelectionSource, ProtocolObject {
    static let implementation = Implementation(wl_data_source_interface(
        offer: { _, resource, mimeType in
            guard let source = WlDataSource.from(resource), let mimeType else { return }
            source.offer(String(cString: mimeType))
        },
        destroy: Resource.destroyRequest,
        set_actions: { _, _, _ in }))   // drag-and-drop actions: no drags here

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32) {
        create(server: server, client: client, version: version, id: id, kind: .clipboard)
    }

    /// wl_data_source.send.
    override func send(_ mimeType: String, to fd: borrowing OwnedFD) {
        wl_data_source_send_send(resource, mimeType, fd.rawValue)
    }

    /// wl_data_source.cancelled.
    override func cancel() {
        wl_data_source_send_cancelled(resource)
    }
}
