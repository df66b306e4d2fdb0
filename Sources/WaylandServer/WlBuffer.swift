import ClientMemory
import Compositor
import CProtocolsServer
import CWaylandServer

/// The pixels of one wl_buffer carved from a pool. Outlives its wl_buffer resource while a surface still
/// shows it (Seawall composes straight from client memory), and keeps its pool's mapping alive.
/// A buffer behind a wl_buffer resource: wl_shm's `ShmBuffer` or a single-pixel `SolidBuffer`.
protocol WaylandBuffer: ClientBuffer {
    /// The wl_buffer resource; nil once the client destroyed it.
    var resource: OpaquePointer? { get set }
}

final class ShmBuffer: WaylandBuffer {
    let memory: PoolMemory
    let offset: Int64
    let width: Int32
    let height: Int32
    let stride: Int32
    let format: PixelFormat
    /// The wl_buffer resource; nil once the client destroyed it.
    var resource: OpaquePointer?
    private var users = 0

    init(memory: PoolMemory, offset: Int64, width: Int32, height: Int32, stride: Int32, format: PixelFormat) {
        self.memory = memory
        self.offset = offset
        self.width = width
        self.height = height
        self.stride = stride
        self.format = format
    }

    /// The buffer's bytes in its pool's mapping. nil for a pool under the copy policy, which is never mapped:
    /// its surfaces show a `SurfaceCopy` instead.
    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try memory.withMappedBytes { bytes in
            // Checked at create_buffer against a pool that can only have grown since.
            guard let base = bytes.baseAddress,
                  offset + Int64(stride) * Int64(height) <= Int64(bytes.count) else { return nil }
            return try body(base + Int(offset))
        }
    }

    func lock() { users += 1 }

    func unlock() {
        precondition(users > 0, "buffer unlocked more often than locked")
        users -= 1
        if users == 0 { release() }
    }

    /// `wl_buffer.release`: Seawall no longer reads this buffer (if the client still has it).
    func release() {
        if let resource { wl_buffer_send_release(resource) }
    }

}

/// wl_buffer: the client's handle on a ShmBuffer or a SolidBuffer.
final class WlBuffer: ProtocolObject {
    let buffer: any WaylandBuffer

    static let implementation = Implementation(wl_buffer_interface(destroy: Resource.destroyRequest))

    static func create(client: OpaquePointer, version: Int32, id: UInt32, buffer: any WaylandBuffer) {
        makeResource(client: client, version: version, id: id) { resource in
            buffer.resource = resource
            return WlBuffer(buffer: buffer)
        }
    }

    private init(buffer: any WaylandBuffer) { self.buffer = buffer }

    func resourceDestroyed() { buffer.resource = nil }
}
