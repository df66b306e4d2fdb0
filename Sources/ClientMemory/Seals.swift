import CShims
import Glibc
import SystemCalls

/// The seals a memfd can carry (`F_SEAL_*`, fcntl(2)).
public struct Seals: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No further seals can be added.
    public static let seal = Seals(rawValue: Int32(SW_F_SEAL_SEAL))
    /// The file can never get smaller: the property Seawall relies on.
    public static let shrink = Seals(rawValue: Int32(SW_F_SEAL_SHRINK))
    /// The file can never get larger.
    public static let grow = Seals(rawValue: Int32(SW_F_SEAL_GROW))
    /// The contents can never change.
    public static let write = Seals(rawValue: Int32(SW_F_SEAL_WRITE))
    /// No new writable mapping or write(2); existing writable mappings keep working.
    public static let futureWrite = Seals(rawValue: Int32(SW_F_SEAL_FUTURE_WRITE))

    public var description: String {
        var names: [String] = []
        if contains(.seal) { names.append("F_SEAL_SEAL") }
        if contains(.shrink) { names.append("F_SEAL_SHRINK") }
        if contains(.grow) { names.append("F_SEAL_GROW") }
        if contains(.write) { names.append("F_SEAL_WRITE") }
        if contains(.futureWrite) { names.append("F_SEAL_FUTURE_WRITE") }
        return names.isEmpty ? "no seals" : names.joined(separator: "|")
    }
}

extension OwnedFD {
    /// `fcntl(fd, F_GET_SEALS)`. Throws with EINVAL for files that do not support sealing.
    /// Note: a file on /dev/shm answers with `.seal` set rather than an error, so callers must test the
    /// bit they need, never "did it succeed".
    public func seals() throws(SystemError) -> Seals {
        let bits = try retryingEINTR("fcntl(F_GET_SEALS)") { sw_get_seals(rawValue) }
        return Seals(rawValue: bits)
    }

    /// `fcntl(fd, F_ADD_SEALS, seals)`.
    public func addSeals(_ seals: Seals) throws(SystemError) {
        _ = try retryingEINTR("fcntl(F_ADD_SEALS)") { sw_add_seals(rawValue, seals.rawValue) }
    }

    /// `ftruncate(2)`: sets the file size (a sealed file refuses to shrink with EPERM).
    public func truncate(to size: Int64) throws(SystemError) {
        _ = try retryingEINTR("ftruncate") { ftruncate(rawValue, off_t(size)) }
    }
}

/// Creating memory for clients to share: what a well-behaved Wayland client does.
public enum Memfd {
    /// `memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING)`, sized to `size` bytes, then sealed with `seals`
    /// (by default F_SEAL_SHRINK: the file may still grow, for window resizes, but never shrink).
    public static func createSealed(name: String, size: Int64, seals: Seals = [.shrink]) throws(SystemError) -> OwnedFD {
        let fd = try create(name: name, allowSealing: true)
        try fd.truncate(to: size)
        if !seals.isEmpty { try fd.addSeals(seals) }
        return fd
    }

    /// `memfd_create(name, MFD_CLOEXEC [| MFD_ALLOW_SEALING])` with size 0.
    public static func create(name: String, allowSealing: Bool) throws(SystemError) -> OwnedFD {
        let flags = UInt32(SW_MFD_CLOEXEC) | (allowSealing ? UInt32(SW_MFD_ALLOW_SEALING) : 0)
        let fd = try retryingEINTR("memfd_create") { sw_memfd_create(name, flags) }
        return OwnedFD(taking: fd)
    }
}
