import CShims
import Glibc

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

    /// `open(2)` of `path` with `flags` (add O_CLOEXEC yourself), retried on EINTR. The error carries open's
    /// errno (ENOENT, EACCES…).
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemError) -> OwnedFD {
        OwnedFD(taking: try retryingEINTR("open") { Glibc.open(path, flags, mode) })
    }

    /// `close(2)` now, reporting its error (a file's deferred write error, e.g. on NFS); not retried on EINTR,
    /// since the descriptor is gone either way. Dropping the value closes it without asking.
    public consuming func close() throws(SystemError) {
        let fd = release()
        if Glibc.close(fd) != 0 { throw SystemError("close") }
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

    deinit { Glibc.close(rawValue) }
}
