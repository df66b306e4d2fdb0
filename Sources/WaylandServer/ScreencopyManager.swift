import ClientMemory
import CProtocolsServer
import CWaylandServer
import Compositor
import Render

/// zwlr_screencopy_manager_v1: clients (grim) capture the output, or a rectangle of it, into a wl_shm
/// buffer of their own. Seawall writes the last composed frame: into a sealed pool through a short-lived
/// writable mapping, into a copy-policy pool with pwrite (never a mapping).
final class ScreencopyManager: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zwlr_screencopy_manager_v1_interface(
        capture_output: { client, resource, id, _, _ in
            guard let client, let resource, let manager = ScreencopyManager.from(resource) else { return }
            let whole = Rect(x: 0, y: 0, width: Int64(manager.server.configuration.width),
                             height: Int64(manager.server.configuration.height))
            ScreencopyFrame.create(server: manager.server, client: client, version: wl_resource_get_version(resource),
                                   id: id, region: whole)
        },
        capture_output_region: { client, resource, id, _, _, x, y, width, height in
            guard let client, let resource, let manager = ScreencopyManager.from(resource) else { return }
            // The region is in logical coordinates (the protocol says so); the copy is of device pixels.
            let configuration = manager.server.configuration
            let logical = Rect(x: 0, y: 0, width: Int64(configuration.logicalWidth), height: Int64(configuration.logicalHeight))
            let device = Rect(x: 0, y: 0, width: Int64(configuration.width), height: Int64(configuration.height))
            let region = Rect.wire(x, y, width, height).intersection(logical).scaled(by: configuration.outputScale)
            ScreencopyFrame.create(server: manager.server, client: client, version: wl_resource_get_version(resource),
                                   id: id, region: region.intersection(device))
        },
        destroy: Resource.destroyRequest))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ScreencopyManager(server: server) }
    }

    private init(server: Server) { self.server = server }
}

/// zwlr_screencopy_frame_v1: one capture. Announces the buffer it wants (XRGB8888 of the region's size),
/// then copies on `copy` and answers ready (or failed).
final class ScreencopyFrame: ProtocolObject {
    private unowned(unsafe) let server: Server
    private let resource: OpaquePointer
    private let region: Rect
    private var used = false

    static let implementation = Implementation(zwlr_screencopy_frame_v1_interface(
        copy: { _, resource, buffer in ScreencopyFrame.from(resource)?.copy(into: buffer, withDamage: false) },
        destroy: Resource.destroyRequest,
        copy_with_damage: { _, resource, buffer in ScreencopyFrame.from(resource)?.copy(into: buffer, withDamage: true) }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, region: Rect) {
        guard let (resource, _) = makeResource(client: client, version: version, id: id, {
            ScreencopyFrame(server: server, resource: $0, region: region)
        }) else { return }
        if region.isEmpty {
            zwlr_screencopy_frame_v1_send_failed(resource)
            return
        }
        zwlr_screencopy_frame_v1_send_buffer(resource, WL_SHM_FORMAT_XRGB8888.rawValue, UInt32(region.width),
                                             UInt32(region.height), UInt32(region.width * 4))
        if version >= 3 { zwlr_screencopy_frame_v1_send_buffer_done(resource) }
    }

    private init(server: Server, resource: OpaquePointer, region: Rect) {
        self.server = server
        self.resource = resource
        self.region = region
    }

    private func copy(into bufferResource: OpaquePointer?, withDamage: Bool) {
        guard !used else {
            return Resource.postError(resource, code: ZWLR_SCREENCOPY_FRAME_V1_ERROR_ALREADY_USED.rawValue,
                                      "copy was already requested on this screencopy frame")
        }
        used = true
        guard let buffer = WlBuffer.from(bufferResource)?.buffer as? ShmBuffer, buffer.width == Int32(region.width),
              buffer.height == Int32(region.height), buffer.format == .xrgb8888 || buffer.format == .argb8888 else {
            return Resource.postError(resource, code: ZWLR_SCREENCOPY_FRAME_V1_ERROR_INVALID_BUFFER.rawValue,
                                      "screencopy needs a \(region.width)x\(region.height) XRGB8888 or ARGB8888 wl_shm buffer")
        }
        let image = server.renderer.image
        let rowBytes = Int(region.width) * 4
        let written = image.withPixels { pixels in
            buffer.memory.writeRows(Int(region.height), rowBytes: rowBytes, offset: buffer.offset,
                                    stride: Int64(buffer.stride)) { row in
                pixels + (Int(region.y) + row) * image.stride + Int(region.x) * 4
            }
        }
        guard written else {
            zwlr_screencopy_frame_v1_send_failed(resource)
            return
        }
        zwlr_screencopy_frame_v1_send_flags(resource, 0)
        if withDamage {
            zwlr_screencopy_frame_v1_send_damage(resource, 0, 0, UInt32(region.width), UInt32(region.height))
        }
        let now = server.frameClock.now(measured: Clock.nanoseconds()), seconds = now / 1_000_000_000
        zwlr_screencopy_frame_v1_send_ready(resource, UInt32(truncatingIfNeeded: seconds >> 32),
                                           UInt32(truncatingIfNeeded: seconds), UInt32(now % 1_000_000_000))
    }
}
