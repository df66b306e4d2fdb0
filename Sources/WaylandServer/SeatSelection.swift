import CWaylandServer
import Compositor
import SystemCalls

/// The selections' protocol side, for the clipboard (wl_data_*) and the primary selection
/// (zwp_primary_selection_*_v1) alike: sources by their compositor object, and each selection offered to a
/// client's devices of its kind. Who may set a selection and who is offered it is the compositor's
/// (Selection.swift).
extension Seat {
    func selectionSourceCreated(_ source: SelectionSource) { selectionSources[source.source] = source }

    func selectionSourceDestroyed(_ source: SelectionSource) {
        selectionSources[source.source] = nil
        compositor.dataSourceDestroyed(source.source)
    }

    /// set_selection of `kind` from `client` (a client without the keyboard focus is refused).
    func setSelection(_ source: SelectionSource?, _ kind: SelectionKind, from client: OpaquePointer) {
        guard !compositor.setSelection(source?.source, kind, from: ClientID(client)) else { return }
        server.log.notice("set_selection (\(kind)) from \(server.describe(client: client)) ignored: it does not have the keyboard focus")
    }

    /// A new device of the focused client hears the current selection of its kind at once.
    func selectionDeviceBound(_ device: any SelectionDevice) {
        selectionDevices.append(device)
        let kind = Swift.type(of: device).kind
        if ClientID(device.client) == compositor.keyboardFocusClient { device.offerSelection(selectionSource(kind)) }
    }

    /// Announces `source` (or no selection) to `client`'s devices of `kind`.
    func offerSelection(_ source: DataSource?, _ kind: SelectionKind, to client: ClientID) {
        let object = source.flatMap { selectionSources[$0] }
        for device in selectionDevices where Swift.type(of: device).kind == kind && ClientID(device.client) == client {
            device.offerSelection(object)
        }
    }

    /// An offer's receive(mimeType, fd): the source writes into `fd` while it is still its kind's selection
    /// and offers that type; otherwise nothing is sent and the fd is closed by its owner.
    func receive(_ mimeType: String, fd: borrowing OwnedFD, from source: SelectionSource?) {
        guard let source, compositor.mayReceive(mimeType, from: source.source) else { return }
        source.send(mimeType, to: fd)
        flush()
    }

    /// The protocol object of the current `kind` selection.
    private func selectionSource(_ kind: SelectionKind) -> SelectionSource? {
        compositor.selection(kind).flatMap { selectionSources[$0] }
    }
}

/// A client's device for one selection (wl_data_device, zwp_primary_selection_device_v1): each conforming type
/// names its kind, its source and offer types and its interface's events; set_selection, the announcement
/// and the binding are shared.
protocol SelectionDevice: SeatResource {
    associatedtype Source: SelectionSource, ProtocolObject
    associatedtype Offer: SelectionOffer, ProtocolObject
    /// The selection this device hears of.
    static var kind: SelectionKind { get }
    /// The data_offer event introducing `offer`.
    func sendDataOffer(_ offer: OpaquePointer)
    /// The offer's offer event for one MIME type.
    func sendOffer(_ offer: OpaquePointer, _ mimeType: String)
    /// The selection event (nil: no selection).
    func sendSelection(_ offer: OpaquePointer?)
}

extension SelectionDevice {
    /// Announces `source` (or no selection) to this client: a new offer, its MIME types, then selection.
    func offerSelection(_ source: SelectionSource?) {
        guard let source else { return sendSelection(nil) }
        guard let offer = Offer.create(seat: seat, source: source, client: client, version: version) else { return }
        sendDataOffer(offer)
        for mimeType in source.mimeTypes { sendOffer(offer, mimeType) }
        sendSelection(offer)
    }
}

extension ProtocolObject where Self: SelectionDevice {
    /// A new device of this interface for `client`, which hears the current selection at once if it has the focus.
    static func create(seat: Seat, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let device = make(seat: seat, client: client, version: version, id: id) else { return }
        seat.selectionDeviceBound(device)
    }

    /// The set_selection request: `source` (one of this interface's sources, or null) becomes this kind's
    /// selection if the device's client has the keyboard focus. The serial is not checked (a seat without a
    /// keyboard has no events it could name, as in Mir); the focus is (Compositor.setSelection).
    static func setSelection(_ resource: OpaquePointer?, _ source: OpaquePointer?) {
        guard let device = from(resource) else { return }
        device.seat.setSelection(Source.from(source), kind, from: device.client)
    }
}

/// One announcement of a selection to one client (wl_data_offer, zwp_primary_selection_offer_v1): the source
/// it announced, while that lives. receive hands the fd to the source while it is still the selection and
/// offers that type (`Seat.receive`); otherwise the fd is just closed.
class SelectionOffer: ResourceObject {
    unowned(unsafe) let seat: Seat   // the seat lives as long as the server, which outlives resources
    weak var source: SelectionSource?

    required init(seat: Seat, source: SelectionSource) {
        self.seat = seat
        self.source = source
    }

    func resourceDestroyed() {}
}

extension ProtocolObject where Self: SelectionOffer {
    /// A server-made offer for `client` (the new_id of the device's data_offer event); nil if out of memory.
    static func create(seat: Seat, source: SelectionSource, client: OpaquePointer, version: Int32) -> OpaquePointer? {
        makeResource(client: client, version: version, id: 0) { _ in Self(seat: seat, source: source) }?.resource
    }

    /// The receive request. Its fd is Seawall's from the first line on; the source gets its own copy.
    static func receive(_ resource: OpaquePointer?, _ mimeType: UnsafePointer<CChar>?, _ fd: Int32) {
        guard fd >= 0 else { return }
        let owned = OwnedFD(taking: fd)
        guard let offer = from(resource), let mimeType else { return }
        offer.seat.receive(String(cString: mimeType), fd: owned, from: offer.source)
    }
}

/// What a client offers to paste (wl_data_source, zwp_primary_selection_source_v1): a list of MIME types,
/// capped, and the events that ask for the data and cancel the source. A subclass sends its interface's events.
class SelectionSource: ResourceObject {
    /// More MIME types than any real client offers; past it the client gets an implementation error.
    static let maxMimeTypes = 64
    /// The longest MIME type accepted, in bytes: RFC 6838 allows 127 for the type and 127 for the subtype,
    /// and real clients offer far shorter ones ("text/plain;charset=utf-8"). With `maxMimeTypes` this keeps
    /// one selection offer to a client under 17 KiB, so it never overflows a healthy client's socket.
    static let maxMimeTypeLength = 255
    unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let client: OpaquePointer
    /// The source as the compositor's selection knows it.
    let source: DataSource
    var mimeTypes: [String] { source.mimeTypes }

    required init(server: Server, resource: OpaquePointer, client: OpaquePointer, kind: SelectionKind) {
        self.server = server
        self.resource = resource
        self.client = client
        source = DataSource(client: ClientID(client), kind: kind)
    }

    /// The offer request, within the limits.
    func offer(_ mimeType: String) {
        let request = (wl_resource_get_class(resource).map { String(cString: $0) } ?? "?") + ".offer"
        guard mimeTypes.count < Self.maxMimeTypes else {
            return server.postImplementationError(client: client, "\(request): more than \(Self.maxMimeTypes) MIME types")
        }
        guard mimeType.utf8.count <= Self.maxMimeTypeLength else {
            return server.postImplementationError(
                client: client, "\(request): a MIME type of \(mimeType.utf8.count) bytes (the limit is \(Self.maxMimeTypeLength))")
        }
        source.offer(mimeType)
    }

    /// The send event: the source writes `mimeType` data into `fd` (libwayland sends a duplicate; `fd` stays
    /// the caller's). Each subclass sends its interface's.
    func send(_ mimeType: String, to fd: borrowing OwnedFD) {}

    /// The cancelled event: no longer the selection (or a drag that Seawall does not carry out).
    func cancel() {}

    func resourceDestroyed() { server.seat.selectionSourceDestroyed(self) }
}

extension ProtocolObject where Self: SelectionSource {
    /// A new source of this interface for `client`, known to the seat.
    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, kind: SelectionKind) {
        guard let (_, source) = makeResource(client: client, version: version, id: id, {
            Self(server: server, resource: $0, client: client, kind: kind)
        }) else { return }
        server.seat.selectionSourceCreated(source)
    }
}
