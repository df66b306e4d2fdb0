import CProtocolsServer
import CWaylandServer
import Compositor

/// zwp_virtual_keyboard_manager_v1: makes keyboards that a client drives (wtype and its kin). Offered only
/// with `--allow-virtual-input` (`Configuration.allowVirtualInput`): any client that binds it can type into
/// whichever window has the keyboard focus. Seawall has one seat; the wl_seat argument names it.
final class ZwpVirtualKeyboardManagerV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    /// The most virtual keyboards one client may have at once (each can hold a keymap of up to 1 MiB).
    static let maxKeyboardsPerClient = 16

    static let implementation = Implementation(zwp_virtual_keyboard_manager_v1_interface(
        create_virtual_keyboard: { client, resource, _, id in
            guard let client, let resource, let manager = ZwpVirtualKeyboardManagerV1.from(resource) else { return }
            manager.createKeyboard(client: client, version: wl_resource_get_version(resource), id: id)
        }))

    /// Version 1 with `--allow-virtual-input`, else 0: not offered.
    static func advertisedVersion(_ configuration: Configuration) -> Int32 { configuration.allowVirtualInput ? 1 : 0 }

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ZwpVirtualKeyboardManagerV1(server: server) }
    }

    private init(server: Server) { self.server = server }

    private func createKeyboard(client: OpaquePointer, version: Int32, id: UInt32) {
        let count = server.seat.virtualKeyboards.count { $0.client == client }
        guard count < Self.maxKeyboardsPerClient else {
            return server.postImplementationError(client: client,
                "zwp_virtual_keyboard_manager_v1.create_virtual_keyboard: more than \(Self.maxKeyboardsPerClient) virtual keyboards for one client")
        }
        ZwpVirtualKeyboardV1.create(server: server, client: client, version: version, id: id)
    }
}
