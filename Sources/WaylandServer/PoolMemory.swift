import SealedMemory

/// A client's verified pool memory: the fd Seawall keeps and its read-only mapping. Shared (by reference)
/// by the wl_shm_pool and every wl_buffer made from it, so it stays mapped while any of them lives —
/// clients often destroy the pool right after create_buffer.
final class PoolMemory {
    private let fd: OwnedFD
    private var mapping: ReadOnlyMapping

    /// The pool size the client declared (and Seawall verified against the sealed file).
    var size: Int64 { Int64(mapping.count) }

    /// Verifies `fd` under the `require` policy (F_SEAL_SHRINK, then st_size ≥ size) and maps it
    /// PROT_READ, MAP_SHARED. The mapping's pages are touched only where buffers are read.
    init(fd: consuming OwnedFD, size: Int64) throws(PoolError) {
        do { try verifySealedPool(fd, size: size) } catch { throw .rejected(error) }
        do { mapping = try ReadOnlyMapping(fd: fd, count: Int(size)) } catch { throw .system(error) }
        self.fd = fd
    }

    /// wl_shm_pool.resize: re-fstat the kept fd, require st_size ≥ newSize, then remap (which may move it).
    func grow(to newSize: Int64) throws(PoolError) {
        do { try verifyFileSize(fd, atLeast: newSize) } catch { throw .rejected(error) }
        do { try mapping.grow(to: Int(newSize)) } catch { throw .system(error) }
    }

    /// Lends the mapped bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try mapping.withBytes { (bytes: UnsafeRawBufferPointer) throws -> R in try body(bytes) }
    }
}

enum PoolError: Error, CustomStringConvertible {
    case rejected(PoolRejection)
    case system(SystemError)

    var description: String {
        switch self {
        case .rejected(let r): return r.description
        case .system(let e): return "cannot map the pool: \(e)"
        }
    }
}
