import Glibc
import SystemCalls

/// Why a client's pool fd was refused. `description` is the text posted to the client.
public enum PoolRejection: Error, Equatable, CustomStringConvertible {
    /// F_GET_SEALS failed: the file cannot carry seals at all (memfd without MFD_ALLOW_SEALING answers
    /// with F_SEAL_SEAL set instead, and lands in `.missingShrinkSeal`; pipes, sockets, regular files… land here).
    case notSealable(errno: Int32)
    /// The file supports seals but F_SEAL_SHRINK is not among them.
    case missingShrinkSeal(Seals)
    /// The sealed file is smaller than the pool the client claims.
    case fileTooSmall(poolSize: Int64, fileSize: Int64)
    /// The pool size itself is not positive.
    case invalidSize(Int64)
    /// fstat on the fd failed.
    case statFailed(errno: Int32)

    /// libwayland truncates protocol error messages to 127 bytes, so each of these fits in that, with the
    /// essential words first.
    public var description: String {
        switch self {
        case .notSealable(let e):
            return "pool fd is not sealed with F_SEAL_SHRINK: it cannot carry seals (\(String(cString: strerror(e)))); use a memfd"
        case .missingShrinkSeal(let seals) where seals.contains(.seal):
            return "pool fd is not sealed with F_SEAL_SHRINK (it has F_SEAL_SEAL: memfd made without MFD_ALLOW_SEALING?)"
        case .missingShrinkSeal(let seals):
            return "pool fd is not sealed with F_SEAL_SHRINK (it has \(seals)); add it with F_ADD_SEALS first"
        case .fileTooSmall(let pool, let file):
            return "pool size \(pool) exceeds file size \(file)"
        case .invalidSize(let size):
            return "pool size \(size) is not positive"
        case .statFailed(let e):
            return "fstat on the pool fd failed: \(String(cString: strerror(e)))"
        }
    }
}

/// Seawall's pool policy, `require`: the fd must carry F_SEAL_SHRINK and be at least `size` bytes long.
///
/// Order matters: the seal is read first, then the size; once F_SEAL_SHRINK is set the size can only grow, so
/// the size check stays true for as long as the fd lives.
public func verifySealedPool(_ fd: borrowing OwnedFD, size: Int64) throws(PoolRejection) {
    guard size > 0 else { throw .invalidSize(size) }
    let seals: Seals
    do { seals = try fd.seals() } catch { throw .notSealable(errno: error.errno) }
    guard seals.contains(.shrink) else { throw .missingShrinkSeal(seals) }
    try verifyFileSize(fd, atLeast: size)
}

/// fstat the (already sealed) fd and require `st_size >= size`. Used at create_pool and on every resize.
public func verifyFileSize(_ fd: borrowing OwnedFD, atLeast size: Int64) throws(PoolRejection) {
    let fileSize: Int64
    do { fileSize = try fd.fileSize() } catch { throw .statFailed(errno: error.errno) }
    guard fileSize >= size else { throw .fileTooSmall(poolSize: size, fileSize: fileSize) }
}
