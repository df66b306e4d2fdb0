import CProtocolsServer
import CWaylandServer

/// zxdg_output_manager_v1: each output's logical position in the layout and logical size (its mode divided
/// by its scale, rounded up), plus its name and description.
final class XdgOutputManager: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zxdg_output_manager_v1_interface(
        destroy: Resource.destroyRequest,
        get_xdg_output: { client, resource, id, wlOutput in
            guard let client, let resource, let manager = XdgOutputManager.from(resource) else { return }
            manager.makeOutput(client: client, version: wl_resource_get_version(resource), id: id, wlOutput: wlOutput)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in XdgOutputManager(server: server) }
    }

    private init(server: Server) { self.server = server }

    private func makeOutput(client: OpaquePointer, version: Int32, id: UInt32, wlOutput: OpaquePointer?) {
        guard let (output, _) = XdgOutputObject.makeResource(client: client, version: version, id: id, { _ in XdgOutputObject() })
        else { return }
        let area = server.heads[wlOutput.flatMap { WlOutput.from($0)?.head } ?? 0].area
        zxdg_output_v1_send_logical_position(output, Int32(clamping: area.rect.x), Int32(clamping: area.rect.y))
        zxdg_output_v1_send_logical_size(output, Int32(clamping: area.rect.width), Int32(clamping: area.rect.height))
        if version >= 2 {
            zxdg_output_v1_send_name(output, area.name)
            zxdg_output_v1_send_description(output, WlOutput.description(of: area))
        }
        // Up to version 2 the xdg_output has its own done; from 3 on, wl_output.done closes the batch.
        if version < 3 {
            zxdg_output_v1_send_done(output)
        } else if let wlOutput, wl_resource_get_version(wlOutput) >= 2 {
            wl_output_send_done(wlOutput)
        }
    }
}

/// A zxdg_output_v1: its events are sent once, when it is made.
final class XdgOutputObject: ProtocolObject {
    static let implementation = Implementation(zxdg_output_v1_interface(destroy: Resource.destroyRequest))
}
