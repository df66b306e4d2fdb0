import Glibc

extension OwnedFD {
    /// `pread(2)` of exactly `count` bytes at file offset `offset` into `destination`, retried on EINTR and
    /// continued after partial reads. False on a short read (the file ends first) or an error. The file
    /// position is not used or moved.
    public func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int64) -> Bool {
        Self.transferExactly(count, "pread") { done in
            pread(rawValue, destination + done, count - done, off_t(offset) + off_t(done))
        }
    }

    /// `pwrite(2)` of exactly `count` bytes from `source` at file offset `offset`, retried on EINTR and
    /// continued after partial writes. False on an error (a write-sealed memfd, a read-only descriptor).
    public func write(from source: UnsafeRawPointer, count: Int, at offset: Int64) -> Bool {
        Self.transferExactly(count, "pwrite") { done in
            pwrite(rawValue, source + done, count - done, off_t(offset) + off_t(done))
        }
    }

    /// Calls `call(bytesDoneSoFar)` until `count` bytes are done; false once it returns 0 or fails.
    private static func transferExactly(_ count: Int, _ operation: String, _ call: (Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            guard let n = try? retryingEINTR(operation, { call(done) }), n > 0 else { return false }
            done += n
        }
        return true
    }
}
