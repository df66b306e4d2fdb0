import Glibc
import SystemCalls

/// What Seawall does with a wl_shm pool fd that lacks F_SEAL_SHRINK.
public enum ShmPolicy: String, Sendable, CaseIterable {
    /// Refuse it (wl_shm.error.invalid_fd). The default.
    case require
    /// If it is a memfd that still accepts seals, add F_SEAL_SHRINK on the client's behalf, then verify as
    /// usual (Mesa's software EGL/Vulkan clients make such memfds and never seal them).
    case autoseal
    /// Never map it: copy the damaged rows of each committed buffer out with pread into memory Seawall owns.
    /// A short read (the client truncated the file) is that client's protocol error. Sealed pools are still
    /// mapped.
    case copy
}

/// Why a pool fd could not become pool memory, or a pool could not be grown or read. `description` is the
/// text the protocol layer posts to the client.
public enum PoolError: Error, CustomStringConvertible {
    case rejected(PoolRejection)
    case system(SystemError)
    case unreadable(String)
    /// The copy policy read past the end of the pool file (the client truncated it, or lied). `fileSize` is
    /// nil if fstat failed too.
    case shortRead(row: Int64, end: Int64, fileSize: Int64?)

    public var description: String {
        switch self {
        case .rejected(let r): return r.description
        case .system(let e): return "cannot map the pool: \(e)"
        case .unreadable(let why): return why
        case .shortRead(let row, let end, let fileSize):
            return "short read: buffer row \(row) ends at byte \(end) but the pool file is \(fileSize.map(String.init) ?? "unknown") bytes"
        }
    }
}

extension PoolError {
    /// The policy that would accept the refused pool, when only its seals were wrong: `autoseal` for a memfd
    /// that still accepts seals (F_SEAL_SEAL not set), `copy` for a file that cannot be sealed (a memfd made
    /// without MFD_ALLOW_SEALING, an shm_open file; copy still refuses pipes and sockets). nil when no
    /// policy helps (the file is too small, it could not be mapped or read).
    public var acceptingPolicy: ShmPolicy? {
        guard case .rejected(let rejection) = self else { return nil }
        switch rejection {
        case .missingShrinkSeal(let seals): return seals.contains(.seal) ? .copy : .autoseal
        case .notSealable: return .copy
        case .fileTooSmall, .invalidSize, .statFailed: return nil
        }
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

/// The checks behind the policies that go beyond `verifySealedPool`.
enum PolicyChecks {
    /// autoseal: a memfd that accepts seals (F_SEAL_SEAL not set) gets F_SEAL_SHRINK from Seawall.
    static func addShrinkSealIfPossible(_ fd: borrowing OwnedFD) {
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
    static func checkReadableFile(_ fd: borrowing OwnedFD, size: Int64) throws(PoolError) {
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
