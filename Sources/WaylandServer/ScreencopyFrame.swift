import ClientMemory
import CProtocolsServer
import CWaylandServer
import Compositor
import Render

/// zwlr_screencopy_frame_v1: one capture of one output. Announces the buffer it wants (XRGB8888 of the
/// region's size), then on `copy` writes that output's last composed frame: into a sealed pool through a
/// short-lived writable mapping, into a copy-policy pool with pwrite (never a mapping); and answers ready
/// (or failed).
final class ScreencopyFrame: ProtocolObject {
    private unowned(unsafe) let server: Server
    private let resource: OpaquePointer
    /// The output captured (`Server.heads`), kept as an index: the client may release its wl_output before
    /// it copies, and the output stays.
    private let head: Int
    /// Device pixels of that output's frame.
    private let region: Rect
    private var used = false

    static let implementation = Implementation(zwlr_screencopy_frame_v1_interface(
        copy: { _, resource, buffer in ScreencopyFrame.from(resource)?.copy(into: buffer, withDamage: false) },
        destroy: Resource.destroyRequest,
        copy_with_damage: { _, resource, buffer in ScreencopyFrame.from(resource)?.copy(into: buffer, withDamage: true) }))

    /// Makes the frame; an empty `region` fails at once (nothing to copy).
    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, head: Int, region: Rect) {
        guard let (resource, _) = makeResource(client: client, version: version, id: id, {
            ScreencopyFrame(server: server, resource: $0, head: head, region: region)
        }) else { return }
        if region.isEmpty {
            zwlr_screencopy_frame_v1_send_failed(resource)
            return
        }
        zwlr_screencopy_frame_v1_send_buffer(resource, WL_SHM_FORMAT_XRGB8888.rawValue, UInt32(region.width),
                                             UInt32(region.height), UInt32(region.width * 4))
        if version >= 3 { zwlr_screencopy_frame_v1_send_buffer_done(resource) }
    }

    private init(server: Server, resource: OpaquePointer, head: Int, region: Rect) {
        self.server = server
        self.resource = resource
        self.head = head
        self.region = region
    }

    private func copy(into bufferResource: OpaquePointer?, withDamage: Bool) {
        guard !used else {
            return Resource.postError(resource, code: ZWLR_SCREENCOPY_FRAME_V1_ERROR_ALREADY_USED.rawValue,
                                      "copy was already requested on this screencopy frame")
        }
        used = true
        guard !region.isEmpty else {
            // The frame said failed already; a copy after that gets the same answer.
            zwlr_screencopy_frame_v1_send_failed(resource)
            return
        }
        guard let buffer = WlBuffer.from(bufferResource)?.buffer as? ShmBuffer, buffer.width == Int32(region.width),
              buffer.height == Int32(region.height), buffer.format == .xrgb8888 || buffer.format == .argb8888 else {
            return Resource.postError(resource, code: ZWLR_SCREENCOPY_FRAME_V1_ERROR_INVALID_BUFFER.rawValue,
                                      "screencopy of \(server.heads[head].name) needs a \(region.width)x\(region.height) XRGB8888 or ARGB8888 wl_shm buffer")
        }
        let image = server.heads[head].renderer.image
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
