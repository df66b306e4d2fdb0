import CWaylandServer

/// wl_seat: the one seat, "seat0". Its capabilities are those of the input devices attached to the server
/// (`Seat`): none by default, a pointer, keyboard and/or touch once a harness or backend adds them. Device
/// objects work whether or not the capability is there (a client may ask before it hears the capabilities).
final class WlSeat: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer

    static let implementation = Implementation(wl_seat_interface(
        get_pointer: { client, resource, id in
            guard let client, let resource, let seat = WlSeat.from(resource) else { return }
            WlPointer.create(seat: seat.server.seat, client: client, version: wl_resource_get_version(resource), id: id)
        },
        get_keyboard: { client, resource, id in
            guard let client, let resource, let seat = WlSeat.from(resource) else { return }
            WlKeyboard.create(seat: seat.server.seat, keymap: seat.server.seat.keymapFile(for: client), client: client,
                              version: wl_resource_get_version(resource), id: id)
        },
        get_touch: { client, resource, id in
            guard let client, let resource, let seat = WlSeat.from(resource) else { return }
            WlTouch.create(seat: seat.server.seat, client: client, version: wl_resource_get_version(resource), id: id)
        },
        release: Resource.destroyRequest))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let (resource, seat) = makeResource(client: client, version: Int32(version), id: id, {
            WlSeat(server: server, resource: $0)
        }) else { return }
        server.seat.seatBound(seat)
        wl_seat_send_capabilities(resource, server.seat.capabilities)
        if version >= 2 { wl_seat_send_name(resource, "seat0") }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    func resourceDestroyed() { server.seat.seatReleased(self) }
}
