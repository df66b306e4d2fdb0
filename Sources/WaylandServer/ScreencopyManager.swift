import CProtocolsServer
import CWaylandServer
import Compositor

/// zwlr_screencopy_manager_v1: clients (grim) capture an output, or a rectangle of one, into a wl_shm buffer
/// of their own (ScreencopyFrame.swift writes it). The wl_output argument names the output: each has its own
/// frames (`Server.heads`), so `grim -o SEAWALL-2` gets output 2's, and plain `grim` asks every output for its
/// frame and lays them out itself from xdg_output.
final class ScreencopyManager: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zwlr_screencopy_manager_v1_interface(
        capture_output: { client, resource, id, _, output in
            guard let client, let resource, let manager = ScreencopyManager.from(resource) else { return }
            manager.capture(client: client, version: wl_resource_get_version(resource), id: id, output: output, region: nil)
        },
        capture_output_region: { client, resource, id, _, output, x, y, width, height in
            guard let client, let resource, let manager = ScreencopyManager.from(resource) else { return }
            manager.capture(client: client, version: wl_resource_get_version(resource), id: id, output: output,
                            region: Rect.wire(x, y, width, height))
        },
        destroy: Resource.destroyRequest))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ScreencopyManager(server: server) }
    }

    private init(server: Server) { self.server = server }

    /// A frame of the output `output` names: all of it, or `region` (logical, in that output's own coordinates,
    /// as the protocol says) scaled to its device pixels and clipped to them. A region that misses the output,
    /// or an output Seawall cannot name (a wl_output resource on its way out), makes a frame that fails at once.
    private func capture(client: OpaquePointer, version: Int32, id: UInt32, output: OpaquePointer?, region: Rect?) {
        guard let head = WlOutput.from(output)?.head, server.heads.indices.contains(head) else {
            ScreencopyFrame.create(server: server, client: client, version: version, id: id, head: 0,
                                   region: Rect(x: 0, y: 0, width: 0, height: 0))
            return
        }
        let area = server.heads[head].area
        let device = Rect(x: 0, y: 0, width: area.deviceWidth, height: area.deviceHeight)
        var pixels = device
        if let region {
            // Rect.wire widens to 64 bits: no product or sum below can overflow.
            let logical = Rect(x: 0, y: 0, width: area.rect.width, height: area.rect.height)
            pixels = region.intersection(logical).scaled(by: area.scale).intersection(device)
        }
        ScreencopyFrame.create(server: server, client: client, version: version, id: id, head: head, region: pixels)
    }
}
