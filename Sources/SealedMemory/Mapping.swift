import CShims
import Glibc

/// A read-only, shared mapping of a file (`mmap(PROT_READ, MAP_SHARED)`), unmapped when the value goes away.
///
/// The bytes are lent inside `withBytes`, never handed out as a long-lived pointer: `grow(to:)` may move the
/// mapping (mremap with MREMAP_MAYMOVE).
public struct ReadOnlyMapping: ~Copyable {
    private var base: UnsafeMutableRawPointer
    /// The mapped length in bytes.
    public private(set) var count: Int

    /// `mmap(NULL, count, PROT_READ, MAP_SHARED, fd, 0)`. `count` must be positive.
    /// A write-sealed memfd maps fine this way; only writable shared maps of it are refused.
    public init(fd: borrowing OwnedFD, count: Int) throws(SystemError) {
        precondition(count > 0, "a mapping needs a positive length")
        let address = mmap(nil, count, PROT_READ, MAP_SHARED, fd.rawValue, 0)
        guard let address, address != MAP_FAILED else { throw SystemError("mmap") }
        self.base = address
        self.count = count
    }

    /// `mremap(MREMAP_MAYMOVE)` to `newCount` bytes (which must not be smaller). The caller has already
    /// checked that the file is at least `newCount` bytes long and cannot shrink.
    public mutating func grow(to newCount: Int) throws(SystemError) {
        precondition(newCount >= count, "mappings only grow")
        if newCount == count { return }
        guard let moved = sw_mremap_maymove(base, count, newCount), moved != MAP_FAILED else {
            throw SystemError("mremap")
        }
        base = moved
        count = newCount
    }

    /// Lends the mapped bytes for the duration of `body`.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    deinit { munmap(base, count) }
}

/// A private, anonymous read-write mapping (`mmap(MAP_PRIVATE|MAP_ANONYMOUS)`), for large scratch images.
public struct AnonymousMapping: ~Copyable {
    private let base: UnsafeMutableRawPointer
    public let count: Int

    public init(count: Int) throws(SystemError) {
        precondition(count > 0, "a mapping needs a positive length")
        let address = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != MAP_FAILED else { throw SystemError("mmap") }
        base = address
        self.count = count
    }

    public func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    deinit { munmap(base, count) }
}

/// A writable shared mapping, for clients filling their own pools (`mmap(PROT_READ|PROT_WRITE, MAP_SHARED)`).
public struct WritableMapping: ~Copyable {
    private var base: UnsafeMutableRawPointer
    public private(set) var count: Int

    public init(fd: borrowing OwnedFD, count: Int) throws(SystemError) {
        precondition(count > 0, "a mapping needs a positive length")
        let address = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_SHARED, fd.rawValue, 0)
        guard let address, address != MAP_FAILED else { throw SystemError("mmap") }
        base = address
        self.count = count
    }

    /// `mremap(MREMAP_MAYMOVE)`; the file must already be long enough.
    public mutating func grow(to newCount: Int) throws(SystemError) {
        precondition(newCount >= count, "mappings only grow")
        if newCount == count { return }
        guard let moved = sw_mremap_maymove(base, count, newCount), moved != MAP_FAILED else {
            throw SystemError("mremap")
        }
        base = moved
        count = newCount
    }

    public func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    deinit { munmap(base, count) }
}
