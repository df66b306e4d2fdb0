import CShims
import Glibc
import SystemCalls

/// The mmap'd region behind both mapping kinds: maps in `init`, may move in `grow`, unmaps in `deinit`.
struct MappedRegion: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count: Int

    /// `mmap(NULL, count, protection, MAP_SHARED, fd, 0)`. `count` must be positive.
    init(fd: borrowing OwnedFD, count: Int, protection: Int32) throws(SystemError) {
        precondition(count > 0, "a mapping needs a positive length")
        let address = mmap(nil, count, protection, MAP_SHARED, fd.rawValue, 0)
        guard let address, address != MAP_FAILED else { throw SystemError("mmap") }
        base = address
        self.count = count
    }

    /// `mremap(MREMAP_MAYMOVE)` to `newCount` bytes, which must not be smaller. The caller has already
    /// checked that the file is at least `newCount` bytes long and cannot shrink.
    mutating func grow(to newCount: Int) throws(SystemError) {
        precondition(newCount >= count, "mappings only grow")
        if newCount == count { return }
        guard let moved = sw_mremap_maymove(base, count, newCount), moved != MAP_FAILED else {
            throw SystemError("mremap")
        }
        base = moved
        count = newCount
    }

    deinit { munmap(base, count) }
}

/// A read-only, shared mapping of a file (`mmap(PROT_READ, MAP_SHARED)`), unmapped when the value goes away:
/// how Seawall maps client pools.
///
/// The bytes are lent inside `withBytes`, never handed out as a long-lived pointer: `grow(to:)` may move the
/// mapping (mremap with MREMAP_MAYMOVE). A write-sealed memfd maps fine this way; only writable shared
/// mappings of it are refused.
public struct ReadOnlyMapping: ~Copyable {
    private var region: MappedRegion

    /// The mapped length in bytes.
    public var count: Int { region.count }

    public init(fd: borrowing OwnedFD, count: Int) throws(SystemError) {
        region = try MappedRegion(fd: fd, count: count, protection: PROT_READ)
    }

    /// Remaps to `newCount` bytes (`mremap`); the file must already be that long.
    public mutating func grow(to newCount: Int) throws(SystemError) { try region.grow(to: newCount) }

    /// Lends the mapped bytes for the duration of `body`.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: region.base, count: region.count))
    }
}

/// A writable shared mapping (`mmap(PROT_READ|PROT_WRITE, MAP_SHARED)`), for clients filling their own pools.
public struct WritableMapping: ~Copyable {
    private var region: MappedRegion

    public var count: Int { region.count }

    public init(fd: borrowing OwnedFD, count: Int) throws(SystemError) {
        region = try MappedRegion(fd: fd, count: count, protection: PROT_READ | PROT_WRITE)
    }

    /// Remaps to `newCount` bytes (`mremap`); the file must already be that long.
    public mutating func grow(to newCount: Int) throws(SystemError) { try region.grow(to: newCount) }

    public func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: region.base, count: region.count))
    }
}
