import CProtocolsServer
import CWaylandServer
import Glibc
import SealedMemory
import SystemCalls

/// wl_shm: Seawall's own implementation (never wl_display_init_shm). Pools must be memfds sealed with
/// F_SEAL_SHRINK; anything else is refused with wl_shm.error.invalid_fd and a message naming what is missing.
final class WlShm: ResourceObject {
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

    static func from(_ resource: OpaquePointer?) -> WlShm? {
        Resource.object(resource, WlShm.self, interface: Interfaces.wlShm, implementation: implementation)
    }

    /// Binds a client to the wl_shm global and advertises the two formats Seawall composes.
    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let resource = Resource.create(client: client, interface: Interfaces.wlShm, version: Int32(version), id: id)
        else { return }
        Resource.bind(resource, implementation: implementation, object: WlShm(server: server, resource: resource))
        wl_shm_send_format(resource, WL_SHM_FORMAT_ARGB8888.rawValue)
        wl_shm_send_format(resource, WL_SHM_FORMAT_XRGB8888.rawValue)
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
        let account = server.account(for: client)
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
            memory = try PoolPolicy.accept(fd, size: Int64(size), policy: server.configuration.shmPolicy, account: account)
        } catch {
            server.log.notice("refused a pool from \(server.describe(client: client)): \(error)")
            Resource.postError(resource, code: WL_SHM_ERROR_INVALID_FD.rawValue, error.description)
            return
        }
        WlShmPool.create(server: server, client: client, version: wl_resource_get_version(resource), id: id, memory: memory)
    }

    func resourceDestroyed() {}
}

/// How a received pool fd becomes pool memory under each `ShmPolicy`.
enum PoolPolicy {
    static func accept(_ fd: consuming OwnedFD, size: Int64, policy: ShmPolicy,
                       account: ClientAccount) throws(PoolError) -> PoolMemory {
        if policy == .autoseal { addShrinkSealIfPossible(fd) }
        let rejection: PoolRejection?
        do {
            try verifySealedPool(fd, size: size)
            rejection = nil
        } catch {
            rejection = error
        }
        guard let rejection else { return try MappedPool(verified: fd, size: size, account: account) }
        guard policy == .copy, rejection.isAboutSealing else { throw .rejected(rejection) }
        try checkReadableFile(fd, size: size)
        return CopiedPool(fd: fd, size: size, account: account)
    }

    /// autoseal: a memfd that accepts seals (F_SEAL_SEAL not set) gets F_SEAL_SHRINK from Seawall.
    private static func addShrinkSealIfPossible(_ fd: borrowing OwnedFD) {
        guard let seals = try? fd.seals(), !seals.contains(.seal), !seals.contains(.shrink) else { return }
        try? fd.addSeals(.shrink)
    }

    /// Filesystems whose reads cannot be made to wait by the client or a network: memory (memfd, /dev/shm,
    /// a tmpfs XDG_RUNTIME_DIR) and local disks. On FUSE a read waits for whoever serves the mount (which
    /// may be the client), on NFS or SMB for the network — and Seawall reads during the commit.
    static let readableFilesystems: [UInt32: String] = [
        0x0102_1994: "tmpfs", 0x9584_58F6: "hugetlbfs", 0x0000_EF53: "ext2/3/4", 0x5846_5342: "xfs",
        0x9123_683E: "btrfs", 0xF2F5_2010: "f2fs", 0x794C_7630: "overlayfs",
    ]

    /// copy: the fd must be a regular file on a local filesystem (memfd, /dev/shm, disk) that Seawall can
    /// pread, at least `size` long.
    private static func checkReadableFile(_ fd: borrowing OwnedFD, size: Int64) throws(PoolError) {
        let type: UInt32, magic: UInt32
        do { type = try fd.fileType(); magic = try fd.filesystemMagic() } catch { throw .system(error) }
        guard type == UInt32(S_IFREG) else {
            throw .unreadable("pool fd is not a file (\(FileTypeName.describe(type))); the copy policy reads files with pread")
        }
        guard readableFilesystems[magic] != nil else {
            throw .unreadable("pool file is on filesystem 0x\(String(magic, radix: 16)), not memory or a local disk: the copy policy will not read it")
        }
        var probe: UInt8 = 0
        if pread(fd.rawValue, &probe, 0, 0) < 0 {
            throw .unreadable("pool fd cannot be read (\(String(cString: strerror(errno)))); open it for reading")
        }
        do { try verifyFileSize(fd, atLeast: size) } catch { throw .rejected(error) }
    }
}

extension PoolRejection {
    /// Whether the refusal is about seals (which the copy policy forgives) rather than sizes.
    var isAboutSealing: Bool {
        switch self {
        case .notSealable, .missingShrinkSeal: return true
        case .fileTooSmall, .invalidSize, .statFailed: return false
        }
    }
}

enum FileTypeName {
    static func describe(_ type: UInt32) -> String {
        switch type {
        case UInt32(S_IFIFO): return "a pipe"
        case UInt32(S_IFSOCK): return "a socket"
        case UInt32(S_IFCHR): return "a character device"
        case UInt32(S_IFDIR): return "a directory"
        case UInt32(S_IFBLK): return "a block device"
        case UInt32(S_IFLNK): return "a symbolic link"
        default: return "file type 0o\(String(type, radix: 8))"
        }
    }
}
