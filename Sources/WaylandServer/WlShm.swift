import ClientMemory
import Compositor
import CProtocolsServer
import CWaylandServer
import SystemCalls

/// wl_shm: Seawall's own implementation (never wl_display_init_shm). Pools must be memfds sealed with
/// F_SEAL_SHRINK; anything else is refused with wl_shm.error.invalid_fd and a message naming what is missing.
final class WlShm: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer

    static let implementation = Implementation(wl_shm_interface(
        create_pool: { client, resource, id, fd, size in
            // The fd is ours from the first line on: closed on every path that does not keep it.
            guard fd >= 0 else { return }
            let owned = OwnedFD(taking: fd)
            guard let client, let shm = WlShm.from(resource) else { return }
            shm.createPool(client: client, id: id, fd: owned, size: size)
        }))

    /// Binds a client to the wl_shm global and advertises every format Seawall composes
    /// (`PixelFormat.allCases`: exactly the ones create_buffer accepts).
    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let (resource, _) = makeResource(client: client, version: Int32(version), id: id, {
            WlShm(server: server, resource: $0)
        }) else { return }
        for format in PixelFormat.allCases { wl_shm_send_format(resource, format.shmCode) }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    private func createPool(client: OpaquePointer, id: UInt32, fd: consuming OwnedFD, size: Int32) {
        guard size > 0 else {
            Resource.postError(resource, code: WL_SHM_ERROR_INVALID_STRIDE.rawValue, "pool size \(size) is not positive")
            return
        }
        let account = server.account(for: client).memory
        let limits = server.limits
        if account.pools >= limits.maxPoolsPerClient {
            return server.postImplementationError(client: client,
                "too many pools: this client already has \(account.pools), the limit (--max-pools) is \(limits.maxPoolsPerClient)")
        }
        if account.poolBytes + Int64(size) > limits.maxPoolBytesPerClient {
            return server.postImplementationError(client: client,
                "pools would total \(account.poolBytes + Int64(size)) bytes, over the limit (--max-pool-mib) of \(limits.maxPoolBytesPerClient)")
        }
        let memory: PoolMemory
        do {
            memory = try PoolMemory.accept(fd, size: Int64(size), policy: server.configuration.shmPolicy, account: account)
        } catch {
            server.poolRefused(client: client, error: error)
            Resource.postError(resource, code: WL_SHM_ERROR_INVALID_FD.rawValue, error.description)
            return
        }
        WlShmPool.create(server: server, client: client, version: wl_resource_get_version(resource), id: id, memory: memory)
    }
}
