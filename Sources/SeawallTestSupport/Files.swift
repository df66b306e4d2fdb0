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
}
