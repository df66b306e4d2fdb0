import CProtocolsServer
import CWaylandServer
import SystemCalls

/// zwp_primary_selection_source_v1: what a client offers for middle-click paste, as a list of MIME types
/// within the clipboard's limits (`SelectionSource`). Set as the primary selection, it is asked to write the
/// data into a pipe whenever a client receives an offer of it, and cancelled when another replaces it.
final class ZwpPrimarySelectionSourceV1: SelectionSource, ProtocolObject {
    static let implementation = Implementation(zwp_primary_selection_source_v1_interface(
        offer: { _, resource, mimeType in
            guard let source = ZwpPrimarySelectionSourceV1.from(resource), let mimeType else { return }
            source.offer(String(cString: mimeType))
        },
        destroy: Resource.destroyRequest))

    /// zwp_primary_selection_source_v1.send.
    override func send(_ mimeType: String, to fd: borrowing OwnedFD) {
        zwp_primary_selection_source_v1_send_send(resource, mimeType, fd.rawValue)
    }

    /// zwp_primary_selection_source_v1.cancelled.
    override func cancel() {
        zwp_primary_selection_source_v1_send_cancelled(resource)
    }
}
