import ClientMemory
import SystemCalls

/// How a demo client makes its memfd.
public enum MemfdKind: String, CaseIterable, Sendable {
    /// MFD_ALLOW_SEALING + F_SEAL_SHRINK: what Seawall requires.
    case sealed
    /// MFD_ALLOW_SEALING but never sealed, like Mesa's software EGL/Vulkan clients (`--shm-policy autoseal`).
    case sealable
    /// No MFD_ALLOW_SEALING, so nobody can ever seal it, like GTK3's (`--shm-policy copy`).
    case unsealable
}

/// The client side of a wl_shm pool: a memfd (sealed against shrinking unless asked not to be) and a
/// writable mapping of it. It can only grow, the way a window resize grows it: ftruncate the same file
/// larger, then remap. No Wayland here, so it is tested on its own.
public final class ClientPoolMemory {
    public let fd: OwnedFD
    private var mapping: WritableMapping
    public private(set) var size: Int

    /// `memfd_create` + `ftruncate` (+ `F_ADD_SEALS F_SEAL_SHRINK` for `.sealed`), then `mmap` read-write.
    public init(size: Int, kind: MemfdKind = .sealed) throws(SystemError) {
        let fd: OwnedFD
        switch kind {
        case .sealed:
            fd = try Memfd.createSealed(name: "seawall-demo", size: Int64(size), seals: [.shrink])
        case .sealable:
            fd = try Memfd.create(name: "seawall-demo-sealable", allowSealing: true)
            try fd.truncate(to: Int64(size))
        case .unsealable:
            fd = try Memfd.create(name: "seawall-demo-unsealable", allowSealing: false)
            try fd.truncate(to: Int64(size))
        }
        mapping = try WritableMapping(fd: fd, count: size)
        self.fd = fd
        self.size = size
    }

    /// Grows the file (`ftruncate`; the shrink seal allows growth) and the mapping (`mremap`).
    public func grow(to newSize: Int) throws(SystemError) {
        precondition(newSize >= size, "pools only grow")
        try fd.truncate(to: Int64(newSize))
        try mapping.grow(to: newSize)
        size = newSize
    }

    /// Lends the mapped bytes for drawing.
    public func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        mapping.withMutableBytes { (bytes: UnsafeMutableRawBufferPointer) -> R in body(bytes) }
    }
}
