import Glibc

/// Small file-system helpers the end-to-end tests share.
public enum TestFiles {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A fresh private directory (mode 0700, like /run/user/UID), for XDG_RUNTIME_DIR — `mkdtemp`.
    public static func makeRuntimeDirectory(prefix: String = "seawall-test") throws -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else { throw Failure(description: "mkdtemp: \(String(cString: strerror(errno)))") }
        return made
    }

    /// The whole file at `path` (nil if it cannot be read) — `open` + `read`.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n > 0 { bytes += chunk[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            return n == 0 ? bytes : nil
        }
    }

    /// Removes `path` and, if it is a directory, everything below it (`rm -rf`; symbolic links are removed,
    /// not followed).
    public static func remove(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard let dir = opendir(path) else { throw Failure(description: "opendir \(path): \(String(cString: strerror(errno)))") }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names { try remove(path + "/" + name) }
            guard rmdir(path) == 0 else { throw Failure(description: "rmdir \(path): \(String(cString: strerror(errno)))") }
        } else if unlink(path) != 0 {
            throw Failure(description: "unlink \(path): \(String(cString: strerror(errno)))")
        }
    }
}
