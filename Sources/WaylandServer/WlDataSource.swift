import CWaylandServer
import Compositor
import SystemCalls

/// wl_data_source: what a client offers to paste, as a list of MIME types. Set as the seat's selection
/// (wl_data_device.set_selection), it is asked to write the data into a pipe whenever a client receives an
/// offer of it; it is cancelled when another selection replaces it. Dragging is not offered.
final class WlDataSource: ProtocolObject {
    /// More MIME types than any real client offers; past it the client gets an implementation error.
    static let maxMimeTypes = 64
    /// The longest MIME type accepted, in bytes: RFC 6838 allows 127 for the type and 127 for the subtype,
    /// and real clients offer far shorter ones ("text/plain;charset=utf-8"). With `maxMimeTypes` this keeps
    /// one selection offer to a client under 17 KiB, so it never overflows a healthy client's socket.
    static let maxMimeTypeLength = 255
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let client: OpaquePointer
    /// The source as the compositor's selection knows it.
    let source: DataSource
    var mimeTypes: [String] { source.mimeTypes }

    static let implementation = Implementation(wl_data_source_interface(
        offer: { _, resource, mimeType in
            guard let source = WlDataSource.from(resource), let mimeType else { return }
            source.offer(String(cString: mimeType))
        },
        destroy: Resource.destroyRequest,
        set_actions: { _, _, _ in }))   // drag-and-drop actions: no drags here

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let (_, source) = makeResource(client: client, version: version, id: id, {
            WlDataSource(server: server, resource: $0, client: client)
        }) else { return }
        server.seat.dataSourceCreated(source)
    }

    private init(server: Server, resource: OpaquePointer, client: OpaquePointer) {
        self.server = server
        self.resource = resource
        self.client = client
        source = DataSource(client: ClientID(client))
    }

    private func offer(_ mimeType: String) {
        guard mimeTypes.count < WlDataSource.maxMimeTypes else {
            return server.postImplementationError(client: client, "wl_data_source.offer: more than \(WlDataSource.maxMimeTypes) MIME types")
        }
        guard mimeType.utf8.count <= WlDataSource.maxMimeTypeLength else {
            return server.postImplementationError(
                client: client, "wl_data_source.offer: a MIME type of \(mimeType.utf8.count) bytes (the limit is \(WlDataSource.maxMimeTypeLength))")
        }
        source.offer(mimeType)
    }

    /// wl_data_source.send: the source writes `mimeType` data into `fd` (libwayland sends a duplicate; `fd`
    /// stays the caller's).
    func send(_ mimeType: String, to fd: borrowing OwnedFD) {
        wl_data_source_send_send(resource, mimeType, fd.rawValue)
    }

    /// wl_data_source.cancelled: no longer the selection (or a drag that Seawall does not carry out).
    func cancel() {
        wl_data_source_send_cancelled(resource)
    }

    func resourceDestroyed() { server.seat.dataSourceDestroyed(self) }
}
