import Glibc

/// An error from a system call (or a library call that reports errno): which call failed and the errno it
/// left. The one errno carrier of every module; the DRM backend's libdrm failures are these too.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// The C call, e.g. "mmap" or "drmModeSetCrtc".
    public let operation: String
    /// The errno value (ENOENT, EACCES, EBUSY, …).
    public let errno: Int32

    public init(_ operation: String, errno: Int32 = Glibc.errno) {
        self.operation = operation
        self.errno = errno
    }

    /// `strerror(errno)`: "No such file or directory".
    public var reason: String { String(cString: strerror(errno)) }

    /// "mmap: Cannot allocate memory (errno 12)".
    public var description: String { "\(operation): \(reason) (errno \(errno))" }

    /// The call and its reason without the number, "open: No such file or directory": how the DRM backend's
    /// messages have always named a failed call.
    public var brief: String { "\(operation): \(reason)" }
}

/// Runs a system call, retrying while it fails with EINTR; any other failure (-1) throws with its errno.
/// Every wrapper in the system-call modules goes through here.
@inline(__always)
public func retryingEINTR<T: BinaryInteger>(_ operation: String, _ call: () -> T) throws(SystemError) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        if Glibc.errno != EINTR { throw SystemError(operation) }
    }
}
