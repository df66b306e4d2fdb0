import Glibc

/// What a process holds open: its fds and its mappings, read from /proc. The hostile-client and fuzzer
/// suites take one count before clients connect and one after they are gone, and require them equal.
public struct ProcessResources: Equatable, CustomStringConvertible {
    /// Every open fd (entries of /proc/PID/fd).
    public var fds: Int
    /// The fds whose target (`readlink` of /proc/PID/fd/N, e.g. "/memfd:seawall-attack (deleted)") contains
    /// the marker.
    public var markedFDs: Int
    /// The lines of /proc/PID/maps that contain the marker (a memfd's mappings name it).
    public var markedMappings: Int

    /// Counts for `pid` (this process when nil); `marker` picks the fds and mappings to count apart, e.g.
    /// "memfd:" for every client pool or "seawall-attack" for the attack client's memfds. A count that cannot
    /// be read (the process is gone) is -1.
    public static func count(pid: pid_t? = nil, marker: String) -> ProcessResources {
        let proc = "/proc/" + (pid.map { String($0) } ?? "self")
        var result = ProcessResources(fds: -1, markedFDs: -1, markedMappings: -1)
        if let dir = opendir(proc + "/fd") {
            result.fds = 0; result.markedFDs = 0
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." { continue }
                result.fds += 1
                var target = [CChar](repeating: 0, count: 512)
                if readlink(proc + "/fd/" + name, &target, target.count - 1) > 0,
                   ProcessResources.text(target).contains(marker) { result.markedFDs += 1 }
            }
            closedir(dir)
        }
        if let file = fopen(proc + "/maps", "r") {
            result.markedMappings = 0
            var line = [CChar](repeating: 0, count: 4096)
            while fgets(&line, Int32(line.count), file) != nil {
                if ProcessResources.text(line).contains(marker) { result.markedMappings += 1 }
            }
            fclose(file)
        }
        return result
    }

    /// A NUL-terminated C buffer as a String.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { "\(fds) fds (\(markedFDs) marked), \(markedMappings) marked mappings" }
}
