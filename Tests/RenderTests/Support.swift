import Compositor
import Glibc
import Render

/// A pixel source backed by a Swift array, for tests. `available = false` makes `withPixels` return nil.
final class TestSource: PixelSource {
    let width: Int32, height: Int32, stride: Int32
    let format: PixelFormat
    var words: [UInt32]
    var available = true

    init(width: Int, height: Int, format: PixelFormat, fill: UInt32) {
        self.width = Int32(width); self.height = Int32(height); self.stride = Int32(width * 4)
        self.format = format
        self.words = [UInt32](repeating: fill, count: width * height)
    }

    func set(x: Int, y: Int, _ value: UInt32) { words[y * Int(width) + x] = value }

    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        guard available else { return nil }
        return try words.withUnsafeBytes { buffer in try buffer.baseAddress.map(body) }
    }
}

/// pixman's exact 8-bit multiply: round(a × b / 255) computed as ((t >> 8) + t) >> 8 with t = a × b + 0x80.
func mulUN8(_ a: UInt32, _ b: UInt32) -> UInt32 {
    let t = a * b + 0x80
    return ((t >> 8) + t) >> 8
}

/// Premultiplied OVER of one pixel onto an opaque one: dst = src + dst × (255 − α) / 255, per channel.
func over(_ src: UInt32, onto dst: UInt32) -> UInt32 {
    let inverse = 255 - (src >> 24)
    var out: UInt32 = 0xFF00_0000
    for shift: UInt32 in [0, 8, 16] {
        let channel = ((src >> shift) & 0xFF) + mulUN8((dst >> shift) & 0xFF, inverse)
        out |= min(channel, 255) << shift
    }
    return out
}

func rect(_ x: Int64, _ y: Int64, _ w: Int64, _ h: Int64) -> Rect { Rect(x: x, y: y, width: w, height: h) }

/// A fresh directory under /tmp (`mkdtemp`), or nil.
func makeTemporaryDirectory() -> String? {
    var template = Array("/tmp/seawall-render-tests-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
    }
}

/// Removes the files in `directory` and the directory (tests only; not recursive).
func removeDirectory(_ directory: String) {
    if let dir = opendir(directory) {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(directory + "/" + name) }
        }
        closedir(dir)
    }
    rmdir(directory)
}

/// Writes raw bytes to a file (for malformed-input tests).
func writeRaw(_ bytes: [UInt8], to path: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { return false }
    defer { close(fd) }
    return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
}

/// Reads the first `count` bytes of a file.
func readPrefix(_ path: String, count: Int) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return [] }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: count)
    let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
    return Array(bytes.prefix(max(0, n)))
}
