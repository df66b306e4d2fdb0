import Glibc
import SystemCalls

/// A scanout or image-file failure, with a message a person understands: what was attempted, on which path,
/// and the system's reason (`strerror`) where there is one.
public struct ScanoutError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// "<what> <path>: <strerror(code)>".
    static func system(_ what: String, path: String, errno code: Int32) -> ScanoutError {
        ScanoutError("\(what) \(path): \(String(cString: strerror(code)))")
    }
}

/// Thin wrappers over the POSIX file calls the scanouts need. EINTR is retried by SystemCalls' `retryingEINTR`;
/// descriptors are `OwnedFD`s.
enum FileIO {
    /// `mkdir -p`: creates `path` and any missing parents (`mkdir`, mode 0755); an existing directory is fine.
    static func makeDirectories(_ path: String) throws(ScanoutError) {
        if path.isEmpty { throw ScanoutError("cannot create a directory with an empty path") }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, 0o755) != 0 {
                let code = errno
                var info = stat()
                if code != EEXIST || stat(prefix, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
                    throw .system("cannot create directory", path: prefix, errno: code == EEXIST ? ENOTDIR : code)
                }
            }
            prefix += "/"
        }
    }

    /// A temporary name next to `path`, unique to this process.
    static func temporaryName(for path: String) -> String {
        let directoryEnd = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        return String(path[..<directoryEnd]) + "." + String(path[directoryEnd...]) + ".tmp-\(getpid())"
    }

    /// `open(2)` as an owned descriptor; a failure says `failure` about `path`.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0, failure: String) throws(ScanoutError) -> OwnedFD {
        do { return try OwnedFD.open(path, flags, mode: mode) } catch { throw .system(failure, path: path, errno: error.errno) }
    }

    /// Writes `chunks` to `path` atomically: a temporary file in the same directory (`open` O_CREAT|O_TRUNC,
    /// `write` until done, `close`), then `rename` over `path`. Readers see the old file or the new one.
    static func writeAtomically(_ path: String, _ chunks: [UnsafeRawBufferPointer]) throws(ScanoutError) {
        let temporary = temporaryName(for: path)
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: 0o644, failure: "cannot create")
        var failure: ScanoutError?
        outer: for chunk in chunks {
            var done = 0
            while done < chunk.count, let base = chunk.baseAddress {
                do {
                    done += try retryingEINTR("write") { write(fd.rawValue, base + done, chunk.count - done) }
                } catch {
                    failure = .system("cannot write", path: temporary, errno: error.errno)
                    break outer
                }
            }
        }
        // close's error matters for files (deferred write errors, e.g. on NFS).
        do {
            try fd.close()
        } catch where failure == nil {
            failure = .system("cannot close", path: temporary, errno: error.errno)
        } catch {}
        if failure == nil, rename(temporary, path) != 0 { failure = .system("cannot rename to", path: path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Moves a finished temporary file into place (`rename`), removing it on failure.
    static func moveIntoPlace(_ temporary: String, _ path: String) throws(ScanoutError) {
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw .system("cannot rename to", path: path, errno: code)
        }
    }

    /// Reads a whole regular file (`open`, `fstat`, `read` until EOF), refusing files over `limit` bytes —
    /// or, with `prefixOnly`, reads just its first `limit` bytes (fewer if the file is shorter).
    static func readFile(_ path: String, limit: Int, prefixOnly: Bool = false) throws(ScanoutError) -> [UInt8] {
        let fd = try open(path, O_RDONLY | O_CLOEXEC, failure: "cannot open")
        var info = stat()
        if fstat(fd.rawValue, &info) != 0 { throw .system("cannot stat", path: path, errno: errno) }
        if (info.st_mode & S_IFMT) != S_IFREG { throw ScanoutError("\(path) is not a regular file") }
        if info.st_size > limit && !prefixOnly {
            throw ScanoutError("\(path) is \(info.st_size) bytes, more than the \(limit) allowed")
        }
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), limit))
        var done = 0
        var readError: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while done < buffer.count, let base = buffer.baseAddress {
                let n: Int
                do throws(SystemError) {
                    n = try retryingEINTR("read") { read(fd.rawValue, base + done, buffer.count - done) }
                } catch {
                    readError = error.errno
                    return
                }
                if n == 0 { return }   // the file shrank under us; the parser reports the short data
                done += n
            }
        }
        if readError != 0 { throw .system("cannot read", path: path, errno: readError) }
        return Array(bytes[..<done])
    }
}

/// Up to `count` bytes from the start of the regular file at `path` (`open`, `fstat`, `read`): what an image
/// reader looks at to tell formats apart. Failures name the file.
public func readFileStart(_ path: String, count: Int) throws(ScanoutError) -> [UInt8] {
    try FileIO.readFile(path, limit: count, prefixOnly: true)
}
