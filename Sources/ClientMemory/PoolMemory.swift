import Glibc
import SystemCalls

/// What one client's pools and copies cost, counted here where the memory is taken and given back where it
/// dies (possibly after the client itself is gone). The protocol layer compares these with its limits.
public final class MemoryAccount {
    /// Live pools (each keeps one fd open).
    public fileprivate(set) var pools = 0
    /// Pool address space in bytes (sparse: untouched pages cost nothing).
    public fileprivate(set) var poolBytes: Int64 = 0
    /// Bytes of the copy policy's pixel copies (`PixelCopy`): real memory, unlike sparse pools.
    public internal(set) var copyBytes: Int64 = 0

    public init() {}
}

/// A client's pool as Seawall holds it: the fd it keeps (to re-check the file's size on every resize), the
/// size the client declared, and how Seawall reaches the bytes. Shared by the wl_shm_pool and every wl_buffer
/// made from it, so it outlives a pool destroyed right after create_buffer.
public final class PoolMemory {
    /// How Seawall reaches a pool's bytes.
    enum Backing: ~Copyable {
        /// Sealed with F_SEAL_SHRINK: mapped PROT_READ / MAP_SHARED once. Its pages are touched only where
        /// buffers are read, so a large sparse pool costs address space, not memory.
        case mapped(ReadOnlyMapping)
        /// The copy policy's unsealed file: never mapped (a client could shrink it at any moment, and a
        /// mapping of it could then raise SIGBUS). Reads go through pread, which reports a truncated file as a
        /// short read instead.
        case copied
    }

    private let fd: OwnedFD
    public private(set) var size: Int64
    private var backing: Backing
    private let account: MemoryAccount

    /// Whether the pool is never mapped (the copy policy's unsealed files): its buffers are shown through a
    /// `PixelCopy`, not read in place.
    public var isCopied: Bool { backing.isCopied }

    /// The one decision from a received pool fd to pool memory, under `policy`:
    /// - sealed with F_SEAL_SHRINK and at least `size` long (`verifySealedPool`): mapped, whatever the policy;
    /// - `autoseal`: a memfd that still accepts seals gets F_SEAL_SHRINK first, then as above;
    /// - `copy`: a file refused only for its seals is kept unmapped if it is a readable regular file on memory
    ///   or a local disk, at least `size` long;
    /// - anything else is refused with the reason (`PoolError.description` is the client's message).
    public static func accept(_ fd: consuming OwnedFD, size: Int64, policy: ShmPolicy,
                              account: MemoryAccount) throws(PoolError) -> PoolMemory {
        if policy == .autoseal { PolicyChecks.addShrinkSealIfPossible(fd) }
        let rejection: PoolRejection?
        do {
            try verifySealedPool(fd, size: size)
            rejection = nil
        } catch {
            rejection = error
        }
        guard let rejection else {
            let mapping = try map(fd, size: size)
            return PoolMemory(fd: fd, size: size, backing: .mapped(mapping), account: account)
        }
        guard policy == .copy, rejection.isAboutSealing else { throw .rejected(rejection) }
        try PolicyChecks.checkReadableFile(fd, size: size)
        return PoolMemory(fd: fd, size: size, backing: .copied, account: account)
    }

    /// `mmap(PROT_READ, MAP_SHARED)` of a pool already verified by `verifySealedPool` (so `size` is positive).
    private static func map(_ fd: borrowing OwnedFD, size: Int64) throws(PoolError) -> ReadOnlyMapping {
        do { return try ReadOnlyMapping(fd: fd, count: Int(size)) } catch { throw .system(error) }
    }

    private init(fd: consuming OwnedFD, size: Int64, backing: consuming Backing, account: MemoryAccount) {
        self.fd = fd
        self.size = size
        self.backing = backing
        self.account = account
        account.pools += 1
        account.poolBytes += size
    }

    deinit {
        account.pools -= 1
        account.poolBytes -= size
    }

    /// wl_shm_pool.resize to `newSize` (not smaller than `size`): re-fstat the kept fd and require
    /// st_size ≥ newSize, then remap a mapped pool (`mremap`; the mapping may move).
    public func grow(to newSize: Int64) throws(PoolError) {
        precondition(newSize >= size, "pools only grow")
        do { try verifyFileSize(fd, atLeast: newSize) } catch { throw .rejected(error) }
        do { try backing.grow(to: Int(newSize)) } catch { throw .system(error) }
        account.poolBytes += newSize - size
        size = newSize
    }

    /// Lends a mapped pool's bytes to `body` (never keep the pointer: the mapping may move on the next
    /// resize). nil without calling `body` for a copied pool, which has no mapping.
    public func withMappedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R?) rethrows -> R? {
        try backing.withMappedBytes(body)
    }

    /// `count` bytes at pool offset `offset` into `destination`: `pread` for a copied pool, a copy out of the
    /// mapping for a mapped one. False if the file (or mapping) ends first.
    func read(into destination: UnsafeMutableRawPointer, count: Int, offset: Int64) -> Bool {
        if isCopied { return fd.read(into: destination, count: count, at: offset) }
        let copied: Bool? = withMappedBytes { bytes in
            guard let base = bytes.baseAddress, offset >= 0, offset + Int64(count) <= Int64(bytes.count) else { return false }
            destination.copyMemory(from: base + Int(offset), byteCount: count)
            return true
        }
        return copied == true
    }

    /// The pool file's current size (`fstat`), nil if that fails: for messages about short reads.
    func currentFileSize() -> Int64? { try? fd.fileSize() }

    /// Screencopy: writes `rows` rows of `rowBytes` bytes each into the pool, row r taken from `source(r)` and
    /// written at `offset + r * stride`. The caller has checked the range against `size`. A mapped pool gets
    /// a writable shared mapping for the duration of the copy (it cannot shrink, so the writes cannot fault;
    /// a write-sealed memfd refuses the mapping); a copied pool gets `pwrite`, never a mapping (a file the
    /// client truncated just gets longer again). False if the pool cannot be written (a write-sealed memfd,
    /// a read-only fd).
    public func writeRows(_ rows: Int, rowBytes: Int, offset: Int64, stride: Int64,
                          source: (Int) -> UnsafeRawPointer) -> Bool {
        if isCopied {
            for row in 0..<rows where !fd.write(from: source(row), count: rowBytes, at: offset + Int64(row) * stride) {
                return false
            }
            return true
        }
        guard let writable = try? WritableMapping(fd: fd, count: Int(size)) else { return false }
        writable.withMutableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            for row in 0..<rows {
                (base + Int(offset + Int64(row) * stride)).copyMemory(from: source(row), byteCount: rowBytes)
            }
        }
        return true
    }
}

extension PoolMemory.Backing {
    var isCopied: Bool {
        switch self {
        case .mapped: return false
        case .copied: return true
        }
    }

    /// Remaps a mapped pool to `newCount` bytes; nothing to do for a copied one.
    mutating func grow(to newCount: Int) throws(SystemError) {
        switch consume self {
        case .mapped(var mapping):
            var failure: SystemError?
            do { try mapping.grow(to: newCount) } catch { failure = error }
            self = .mapped(mapping)
            if let failure { throw failure }
        case .copied:
            self = .copied
        }
    }

    func withMappedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R?) rethrows -> R? {
        switch self {
        case .mapped(let mapping):
            return try mapping.withBytes { (bytes: UnsafeRawBufferPointer) throws -> R? in try body(bytes) }
        case .copied:
            return nil
        }
    }
}
