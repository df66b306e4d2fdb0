import CPNG
import Glibc
import Render

/// An 8-bit RGB image: row-major, 3 bytes per pixel (R, G, B), rows `width * 3` bytes apart, no padding.
/// The form screenshots and golden images take on disk (PPM P6, PNG).
public struct RGBImage: Equatable {
    public var width: Int
    public var height: Int
    public var bytes: [UInt8]

    /// Largest image the PPM reader accepts (pixels); keeps a hostile header from allocating gigabytes.
    public static let maxPixels = 1 << 26

    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(width >= 0 && height >= 0 && bytes.count == width * height * 3,
                     "RGBImage: \(bytes.count) bytes for \(width)x\(height)")
        self.width = width; self.height = height; self.bytes = bytes
    }

    /// Converts an output image with `convertXRGBToRGB`.
    public init(_ image: OutputImage) {
        let count = image.width * image.height * 3
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            convertXRGBToRGB(image, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
        self.init(width: image.width, height: image.height, bytes: bytes)
    }

    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBImage.pixel: (\(x), \(y)) outside \(width)x\(height)")
        let i = (y * width + x) * 3
        return (bytes[i], bytes[i + 1], bytes[i + 2])
    }

    /// The P6 header, "P6\n<w> <h>\n255\n".
    static func ppmHeader(width: Int, height: Int) -> [UInt8] { Array("P6\n\(width) \(height)\n255\n".utf8) }

    /// Writes a binary PPM (P6, maxval 255) atomically, header and pixels in one file write sequence.
    public func writePPM(to path: String) throws(ScanoutError) {
        let header = RGBImage.ppmHeader(width: width, height: height)
        var failure: ScanoutError?
        header.withUnsafeBytes { head in
            bytes.withUnsafeBytes { body in
                do throws(ScanoutError) { try FileIO.writeAtomically(path, [head, body]) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// Reads a binary PPM: "P6", width, height, maxval 255, separated by whitespace, with `#` comments
    /// allowed up to the single whitespace byte that ends the header; then exactly width × height × 3 bytes.
    public init(contentsOfPPM path: String) throws(ScanoutError) {
        let data = try FileIO.readFile(path, limit: 16 + 3 * RGBImage.maxPixels + 1024)
        var parser = PPMHeaderParser(data: data, path: path)
        try parser.expectMagic()
        let width = try parser.number("width")
        let height = try parser.number("height")
        let maxval = try parser.number("maxval")
        if maxval != 255 { throw ScanoutError("\(path): PPM maxval \(maxval) unsupported (only 255)") }
        if width == 0 || height == 0 || width > RGBImage.maxPixels || width * height > RGBImage.maxPixels {
            throw ScanoutError("\(path): PPM size \(width)x\(height) out of range")
        }
        try parser.expectSingleWhitespace()
        let count = width * height * 3
        let available = data.count - parser.position
        if available < count {
            throw ScanoutError("\(path): truncated PPM: \(width)x\(height) needs \(count) bytes of pixels, file has \(available)")
        }
        if available > count {
            throw ScanoutError("\(path): \(available - count) unexpected bytes after the PPM's pixels")
        }
        self.init(width: width, height: height, bytes: Array(data[parser.position...]))
    }

    /// Writes the image as PNG if `path` ends in .png (any case), else as PPM: what a screenshot's file name asks.
    public func write(to path: String) throws(ScanoutError) {
        if path.lowercased().hasSuffix(".png") { try writePNG(to: path) } else { try writePPM(to: path) }
    }

    /// Writes a PNG (8-bit RGB) with libpng's simplified API: `png_image_write_to_file` into a temporary
    /// file, then `rename`. The `png_image` is zeroed with `version = PNG_IMAGE_VERSION` as libpng requires.
    public func writePNG(to path: String) throws(ScanoutError) {
        if width == 0 || height == 0 { throw ScanoutError("cannot write \(path): empty image \(width)x\(height)") }
        let temporary = FileIO.temporaryName(for: path)
        var image = png_image()   // zero-initialised by the importer
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        errno = 0
        let ok = bytes.withUnsafeBytes { body in
            png_image_write_to_file(&image, temporary, 0, body.baseAddress, Int32(width * 3), nil)
        }
        if ok == 0 {
            let code = errno
            let message = withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            png_image_free(&image)
            unlink(temporary)
            let reason = code != 0 ? String(cString: strerror(code)) : "libpng error"
            throw ScanoutError("cannot write PNG \(path): \(reason) (libpng: \(message))")
        }
        try FileIO.moveIntoPlace(temporary, path)
    }
}

/// Tokenises a PPM header from raw bytes.
struct PPMHeaderParser {
    let data: [UInt8]
    let path: String
    var position = 0

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C }

    mutating func expectMagic() throws(ScanoutError) {
        guard data.count >= 2, data[0] == UInt8(ascii: "P"), data[1] == UInt8(ascii: "6") else {
            throw ScanoutError("\(path): not a binary PPM (expected \"P6\" at the start)")
        }
        position = 2
    }

    /// Skips whitespace and comments (`#` to end of line).
    private mutating func skipSeparators() {
        while position < data.count {
            let c = data[position]
            if PPMHeaderParser.isSpace(c) { position += 1; continue }
            if c == UInt8(ascii: "#") {
                while position < data.count, data[position] != 0x0A, data[position] != 0x0D { position += 1 }
                continue
            }
            return
        }
    }

    /// A decimal header field, capped well below overflow.
    mutating func number(_ name: String) throws(ScanoutError) -> Int {
        skipSeparators()
        var value = 0, digits = 0
        while position < data.count, data[position] >= 0x30, data[position] <= 0x39 {
            value = value * 10 + Int(data[position] - 0x30)
            digits += 1; position += 1
            if value > 1 << 30 { throw ScanoutError("\(path): PPM \(name) is too large") }
        }
        if digits == 0 {
            throw ScanoutError(position >= data.count ? "\(path): truncated PPM header (no \(name))"
                                                      : "\(path): bad PPM header: expected the \(name) at byte \(position)")
        }
        return value
    }

    mutating func expectSingleWhitespace() throws(ScanoutError) {
        guard position < data.count, PPMHeaderParser.isSpace(data[position]) else {
            throw ScanoutError("\(path): bad PPM header: expected one whitespace byte after the maxval")
        }
        position += 1
    }
}
