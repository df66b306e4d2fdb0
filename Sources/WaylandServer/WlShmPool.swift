import ClientMemory
import Compositor
import CProtocolsServer
import CWaylandServer

/// wl_shm_pool: a verified, mapped client pool. Buffers are carved out of it with 64-bit bounds checks;
/// it can only grow, and every growth is checked against the sealed file's size again.
final class WlShmPool: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer
    private let memory: PoolMemory

    static let implementation = Implementation(wl_shm_pool_interface(
        create_buffer: { client, resource, id, offset, width, height, stride, format in
            guard let client, let pool = WlShmPool.from(resource) else { return }
            pool.createBuffer(client: client, id: id, offset: offset, width: width, height: height,
                              stride: stride, format: format)
        },
        destroy: Resource.destroyRequest,
        resize: { _, resource, size in
            WlShmPool.from(resource)?.resize(to: size)
        }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, memory: PoolMemory) {
        makeResource(client: client, version: version, id: id) { WlShmPool(server: server, resource: $0, memory: memory) }
    }

    private init(server: Server, resource: OpaquePointer, memory: PoolMemory) {
        self.server = server
        self.resource = resource
        self.memory = memory
    }

    /// Every parameter is checked in 64 bits before a buffer exists (`PixelFormat.bufferGeometryError`):
    /// the format is one wl_shm advertised, offset ≥ 0, width and height > 0, stride ≥ width × bytes per
    /// pixel and a multiple of 4, offset + stride × height ≤ pool size.
    private func createBuffer(client: OpaquePointer, id: UInt32, offset: Int32, width: Int32, height: Int32,
                              stride: Int32, format: UInt32) {
        guard let pixelFormat = PixelFormat(shmCode: format) else {
            // libwayland cuts messages at 128 bytes: the list of formats is in the wl_shm.format events.
            return post(WL_SHM_ERROR_INVALID_FORMAT,
                        "format \(ShmFormatName.describe(format)) is not supported: wl_shm did not advertise it")
        }
        if let problem = pixelFormat.bufferGeometryError(offset: offset, width: width, height: height, stride: stride,
                                                         poolSize: memory.size, maxDimension: server.limits.maxBufferDimension) {
            return post(WL_SHM_ERROR_INVALID_STRIDE, problem)
        }
        WlBuffer.create(client: client, version: wl_resource_get_version(resource), id: id,
                        buffer: ShmBuffer(memory: memory, offset: Int64(offset), width: width, height: height,
                                          stride: stride, format: pixelFormat))
    }

    private func resize(to size: Int32) {
        if Int64(size) < memory.size {
            return post(WL_SHM_ERROR_INVALID_STRIDE, "pools can only grow: resize to \(size) bytes is smaller than the current \(memory.size)")
        }
        let limit = server.limits.maxPoolBytesPerClient
        if let client = wl_resource_get_client(resource) {
            let total = server.account(for: client).memory.poolBytes + Int64(size) - memory.size
            if total > limit {
                return server.postImplementationError(client: client,
                    "pools would total \(total) bytes, over the limit (--max-pool-mib) of \(limit)")
            }
        }
        do {
            try memory.grow(to: Int64(size))
        } catch {
            post(WL_SHM_ERROR_INVALID_FD, error.description)
        }
    }

    private func post(_ code: wl_shm_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }
}

/// Names for wl_shm formats in messages: 0 and 1 are special on the wire; the rest are DRM fourccs.
enum ShmFormatName {
    static func describe(_ format: UInt32) -> String {
        let chars = (0..<4).map { i -> Character in
            let byte = UInt8((format >> (8 * UInt32(i))) & 0xff)
            return (0x20...0x7e).contains(byte) ? Character(Unicode.Scalar(byte)) : "?"
        }
        return "\(format) (0x\(String(format, radix: 16)), fourcc '\(String(chars))')"
    }
}
