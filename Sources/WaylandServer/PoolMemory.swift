import Glibc
import SealedMemory
import SystemCalls

/// What one client holds, counted against `Limits`. Shared by that client's pools and surfaces, which give
/// their share back when they die (possibly after the client itself is gone).
final class ClientAccount {
    var pools = 0
    var poolBytes: Int64 = 0
    var surfaces = 0
    /// Bytes of the copy policy's per-surface copies (SurfaceCopy): real memory, unlike sparse pools.
    var copyBytes: Int64 = 0
}

/// A client's pool as Seawall holds it: the fd it keeps (to re-check the file's size on every resize) and
/// the size the client declared. Two kinds: `MappedPool` (sealed: mapped read-only once) and `CopiedPool`
/// (the copy policy's unsealed files: never mapped, read with pread). Shared by the wl_shm_pool and every
/// wl_buffer made from it, so it outlives a pool destroyed right after create_buffer.
class PoolMemory {
    let fd: OwnedFD
    private(set) var size: Int64
    private let account: ClientAccount

    init(fd: consuming OwnedFD, size: Int64, account: ClientAccount) {
        self.fd = fd
        self.size = size
        self.account = account
        account.pools += 1
        account.poolBytes += size
    }

    deinit {
        account.pools -= 1
        account.poolBytes -= size
    }

    /// wl_shm_pool.resize: re-fstat the kept fd and require st_size ≥ newSize, then let the kind follow.
    func grow(to newSize: Int64) throws(PoolError) {
        do { try verifyFileSize(fd, atLeast: newSize) } catch { throw .rejected(error) }
        try resized(to: newSize)
        account.poolBytes += newSize - size
        size = newSize
    }

    /// The kind's part of a resize (remapping, for a mapped pool).
    func resized(to newSize: Int64) throws(PoolError) {}

    /// Writes `rows` rows of `rowBytes` bytes each into the pool (screencopy), row r taken from
    /// `source(r)` and written at `offset + r * stride`. The caller has checked the range against the pool
    /// size. False if the pool cannot be written (a write-sealed memfd, a read-only fd).
    func writeRows(_ rows: Int, rowBytes: Int, offset: Int64, stride: Int64,
                   source: (Int) -> UnsafeRawPointer) -> Bool { false }
}

/// A pool sealed with F_SEAL_SHRINK, mapped PROT_READ / MAP_SHARED once. Its pages are touched only where
/// buffers are read, so a large sparse pool costs address space, not memory.
final class MappedPool: PoolMemory {
    private var mapping: ReadOnlyMapping

    /// Maps a pool already verified by `verifySealedPool`.
    init(verified fd: consuming OwnedFD, size: Int64, account: ClientAccount) throws(PoolError) {
        do { mapping = try ReadOnlyMapping(fd: fd, count: Int(size)) } catch { throw .system(error) }
        super.init(fd: fd, size: size, account: account)
    }

    override func resized(to newSize: Int64) throws(PoolError) {
        do { try mapping.grow(to: Int(newSize)) } catch { throw .system(error) }
    }

    /// Screencopy into a sealed pool: a writable shared mapping of the pool for the duration of the copy.
    /// The pool cannot shrink, so the writes cannot fault; a write-sealed memfd refuses the mapping.
    override func writeRows(_ rows: Int, rowBytes: Int, offset: Int64, stride: Int64,
                            source: (Int) -> UnsafeRawPointer) -> Bool {
        guard let writable = try? WritableMapping(fd: fd, count: Int(size)) else { return false }
        writable.withMutableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            for row in 0..<rows {
                (base + Int(offset + Int64(row) * stride)).copyMemory(from: source(row), byteCount: rowBytes)
            }
        }
        return true
    }

    /// Lends the mapped bytes (the mapping may move on the next resize, so never keep the pointer).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try mapping.withBytes { (bytes: UnsafeRawBufferPointer) throws -> R in try body(bytes) }
    }
}

/// A pool under the copy policy whose file cannot carry F_SEAL_SHRINK. It is never mapped: a client could
/// shrink the file at any moment, and a mapping of it could then raise SIGBUS. Reads go through pread, which
/// reports a truncated file as a short read instead.
final class CopiedPool: PoolMemory {
    /// `pread` of exactly `count` bytes at `offset` into `destination`. False on a short read or an error.
    func read(into destination: UnsafeMutableRawPointer, count: Int, offset: Int64) -> Bool {
        var done = 0
        while done < count {
            let n = pread(fd.rawValue, destination + done, count - done, off_t(offset) + off_t(done))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// Screencopy under the copy policy: `pwrite`, never a mapping. A file the client truncated just gets
    /// longer again.
    override func writeRows(_ rows: Int, rowBytes: Int, offset: Int64, stride: Int64,
                            source: (Int) -> UnsafeRawPointer) -> Bool {
        for row in 0..<rows {
            var done = 0
            let at = off_t(offset + Int64(row) * stride)
            while done < rowBytes {
                let n = pwrite(fd.rawValue, source(row) + done, rowBytes - done, at + off_t(done))
                if n > 0 { done += n; continue }
                if n < 0 && errno == EINTR { continue }
                return false
            }
        }
        return true
    }

}

enum PoolError: Error, CustomStringConvertible {
    case rejected(PoolRejection)
    case system(SystemError)
    case unreadable(String)

    var description: String {
        switch self {
        case .rejected(let r): return r.description
        case .system(let e): return "cannot map the pool: \(e)"
        case .unreadable(let why): return why
        }
    }
}
