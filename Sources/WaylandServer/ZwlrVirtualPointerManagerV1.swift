import CProtocolsServer
import CWaylandServer

/// zwlr_virtual_pointer_manager_v1: makes virtual pointers, through which a client moves the seat's pointer,
/// presses its buttons and scrolls, as a mouse would. Any client could thereby drive every other client, so
/// the global is offered only under `--allow-virtual-input` (`Configuration.allowVirtualInput`).
///
/// Seawall has one seat: the seat argument (null means the default seat) names it. The output of
/// create_virtual_pointer_with_output maps the pointer's absolute motion onto that output (null: the whole
/// layout's bounding box, as without one); libwayland has already checked that each is null or an object of
/// its interface.
final class ZwlrVirtualPointerManagerV1: ProtocolObject {
    /// The version Seawall implements (2 adds create_virtual_pointer_with_output).
    static let highestVersion: Int32 = 2

    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zwlr_virtual_pointer_manager_v1_interface(
        create_virtual_pointer: { client, resource, _, id in
            ZwlrVirtualPointerManagerV1.from(resource)?.createPointer(client: client, manager: resource, id: id)
        },
        destroy: Resource.destroyRequest,
        create_virtual_pointer_with_output: { client, resource, _, output, id in
            ZwlrVirtualPointerManagerV1.from(resource)?.createPointer(client: client, manager: resource, id: id,
                                                                      output: output.flatMap { WlOutput.from($0)?.head })
        }))

    /// Offered only when virtual input is allowed; 0 leaves the global out.
    static func advertisedVersion(_ configuration: Configuration) -> Int32 {
        configuration.allowVirtualInput ? highestVersion : 0
    }

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ZwlrVirtualPointerManagerV1(server: server) }
    }

    private init(server: Server) { self.server = server }

    private func createPointer(client: OpaquePointer?, manager: OpaquePointer?, id: UInt32, output: Int? = nil) {
        guard let client, let manager else { return }
        ZwlrVirtualPointerV1.create(server: server, client: client, version: wl_resource_get_version(manager), id: id,
                                    output: output)
    }
}
