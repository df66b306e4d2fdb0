import Glibc
import Scanout

/// PNG files built byte by byte, so that the tests control every header field: interlaced images, colour
/// types libpng's simplified writer cannot make, and headers no honest encoder writes. The image data is
/// zlib with stored (uncompressed) blocks, so no compressor is needed.
enum PNGBuilder {
    /// A complete PNG: signature, IHDR, optional PLTE and tRNS, one IDAT holding `scanlines` (each already
    /// prefixed with its filter byte, in the order the interlace passes need), IEND.
    static func png(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colourType: UInt8, interlaced: Bool = false,
                    palette: [UInt8]? = nil, transparency: [UInt8]? = nil, scanlines: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", bigEndian(width) + bigEndian(height) + [bitDepth, colourType, 0, 0, interlaced ? 1 : 0])
        if let palette { out += chunk("PLTE", palette) }
        if let transparency { out += chunk("tRNS", transparency) }
        out += chunk("IDAT", zlibStored(scanlines))
        out += chunk("IEND", [])
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320), one bit at a time.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// A zlib stream of stored deflate blocks (at most 65535 bytes each) with its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let count = min(65535, data.count - start)
            let last: UInt8 = start + count == data.count ? 1 : 0
            let n = UInt16(count)
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)]
            out += data[start..<(start + count)]
            start += count
        } while start < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + bigEndian(b << 16 | a)
    }
}

enum TestImages {
    /// An image of pseudo-random pixels (xorshift), the same for the same seed.
    static func random(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var state = seed | 1
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        for i in bytes.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            bytes[i] = UInt8(truncatingIfNeeded: state)
        }
        return RGBImage(width: width, height: height, bytes: bytes)
    }

    /// Writes raw bytes to `path`; false on any failure.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        defer { fclose(file) }
        return bytes.isEmpty || fwrite(bytes, 1, bytes.count, file) == bytes.count
    }

    static func readBytes(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            out += buffer[..<n]
        }
        return out
    }

    /// A fresh directory under /tmp, removed (with its files) by `remove`.
    static func directory() -> String {
        var template = Array("/tmp/seawall-compare.XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    static func remove(_ directory: String) {
        guard let dir = opendir(directory) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink(directory + "/" + name) }
        }
        closedir(dir)
        rmdir(directory)
    }
}
