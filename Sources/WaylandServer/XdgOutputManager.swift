import CProtocolsServer
import CWaylandServer

/// zxdg_output_manager_v1: the output's logical position and size (Seawall has one output at (0, 0), scale
/// 1, so the logical size is the mode), plus its name and description.
final class XdgOutputManager: ResourceObject {
    static let version: Int32 = 3
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zxdg_output_manager_v1_interface(
        destroy: Resource.destroyRequest,
        get_xdg_output: { client, resource, id, wlOutput in
            guard let client, let resource, let manager = XdgOutputManager.from(resource) else { return }
            manager.makeOutput(client: client, version: wl_resource_get_version(resource), id: id, wlOutput: wlOutput)
        }))

    static let outputImplementation = Implementation(zxdg_output_v1_interface(destroy: Resource.destroyRequest))

    static func from(_ resource: OpaquePointer?) -> XdgOutputManager? {
        Resource.object(resource, XdgOutputManager.self, interface: Interfaces.xdgOutputManager, implementation: implementation)
    }

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        _ = Resource.make(client: client, interface: Interfaces.xdgOutputManager, version: Int32(version), id: id,
                          implementation: implementation, object: XdgOutputManager(server: server))
    }

    private init(server: Server) { self.server = server }

    private func makeOutput(client: OpaquePointer, version: Int32, id: UInt32, wlOutput: OpaquePointer?) {
        guard let output = Resource.make(client: client, interface: Interfaces.xdgOutput, version: version, id: id,
                                         implementation: XdgOutputManager.outputImplementation, object: XdgOutputObject())
        else { return }
        let width = Int32(clamping: server.configuration.width), height = Int32(clamping: server.configuration.height)
        zxdg_output_v1_send_logical_position(output, 0, 0)
        zxdg_output_v1_send_logical_size(output, width, height)
        if version >= 2 {
            zxdg_output_v1_send_name(output, WlOutput.name)
            zxdg_output_v1_send_description(output, "Seawall headless output \(width)x\(height)")
        }
        // Up to version 2 the xdg_output has its own done; from 3 on, wl_output.done closes the batch.
        if version < 3 {
            zxdg_output_v1_send_done(output)
        } else if let wlOutput, wl_resource_get_version(wlOutput) >= 2 {
            wl_output_send_done(wlOutput)
        }
    }

    func resourceDestroyed() {}
}

/// A zxdg_output_v1: its events are sent once, when it is made.
final class XdgOutputObject: ResourceObject {
    func resourceDestroyed() {}
}
