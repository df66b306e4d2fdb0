import CShims
import Glibc

/// An error from a system call: which call failed and the errno it left.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, errno: Int32 = Glibc.errno) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Runs a system call, retrying while it fails with EINTR. Every wrapper in this module goes through here.
@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ operation: String, _ call: () -> T) throws(SystemError) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        if errno != EINTR { throw SystemError(operation) }
    }
}

/// A file descriptor this value owns: it is closed exactly once, when the value goes away.
/// Received fds become one of these on a handler's first line.
public struct OwnedFD: ~Copyable {
    public let rawValue: Int32

    /// Takes ownership of `rawValue`, which must be an open descriptor nobody else will close.
    public init(taking rawValue: Int32) {
        precondition(rawValue >= 0, "OwnedFD needs an open descriptor")
        self.rawValue = rawValue
    }

    /// Gives the descriptor away (for example to libwayland, which closes it); this value no longer closes it.
    public consuming func release() -> Int32 {
        let fd = rawValue
        discard self
        return fd
    }

    /// `dup(2)` with close-on-exec, as a new owned descriptor.
    public func duplicate() throws(SystemError) -> OwnedFD {
        let fd = try retryingEINTR("fcntl(F_DUPFD_CLOEXEC)") { fcntl(rawValue, F_DUPFD_CLOEXEC, 0) }
        return OwnedFD(taking: fd)
    }

    /// `fstat(2)`: the file's current size in bytes.
    public func fileSize() throws(SystemError) -> Int64 {
        var st = stat()
        _ = try retryingEINTR("fstat") { fstat(rawValue, &st) }
        return Int64(st.st_size)
    }

    /// `fstat(2)`: the file type bits (S_IFMT) of the descriptor.
    public func fileType() throws(SystemError) -> UInt32 {
        var st = stat()
        _ = try retryingEINTR("fstat") { fstat(rawValue, &st) }
        return st.st_mode & S_IFMT
    }

    /// The magic number of the filesystem the file is on (statfs.f_type: 0x01021994 for tmpfs and memfds).
    public func filesystemMagic() throws(SystemError) -> UInt32 {
        var type: UInt = 0
        _ = try retryingEINTR("fstatfs") { sw_fstatfs_type(rawValue, &type) }
        return UInt32(truncatingIfNeeded: type)
    }

    deinit { close(rawValue) }
}
