import CPNG
import Glibc
import Scanout

/// The image files Seawall reads and writes: PNG (read through libpng, any colour type it can turn into
/// 8-bit RGB) and binary PPM (P6, maxval 255). Every failure is a `ScanoutError` whose message names the file.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png, ppm

    /// The format a file name asks for by its extension (`.png`; `.ppm` or `.pnm`; any case), or nil.
    public init?(extensionOf path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "png": self = .png
        case "ppm", "pnm": self = .ppm
        default: return nil
        }
    }
}

/// What to do with a PNG's alpha channel when reading it into opaque RGB.
public enum AlphaHandling: Sendable {
    /// Refuse the file (Seawall's own goldens are opaque; what is compared is exactly what the file holds).
    case refuse
    /// Compose every pixel over an opaque white background, c' = c·a + 255·(1 − a) with a = alpha/255,
    /// rounded — what pixelmatch does before it measures a difference, so a fully transparent pixel reads as
    /// white whatever colour it stores.
    case composeOverWhite
}

public enum ImageFile {
    /// Largest width or height accepted from a file's header, checked before any pixel memory is allocated
    /// (a PNG header may declare 100000×100000 in a few dozen bytes).
    public static let maxSide = 16384
    /// Largest pixel count accepted (8192 × 8192 = 2^26, Scanout's `RGBImage.maxPixels`): an RGBA decode
    /// buffer is then at most 256 MiB.
    public static let maxPixels = RGBImage.maxPixels

    /// The format of the file at `path`, from its first bytes (the PNG signature, or "P6"); not from its name.
    public static func detectFormat(_ path: String) throws(ScanoutError) -> ImageFormat {
        let head = try readFileStart(path, count: 8)
        if head.isEmpty { throw ScanoutError("\(path): the file is empty, not an image") }
        if head == pngSignature { return .png }
        if head.count >= 2, head[0] == UInt8(ascii: "P") {
            if head[1] == UInt8(ascii: "6") { return .ppm }
            if (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(head[1]) {
                throw ScanoutError("\(path): a P\(Character(UnicodeScalar(head[1]))) netpbm file is unsupported; only binary PPM (P6, maxval 255) and PNG are read")
            }
        }
        if head.starts(with: pngSignature.prefix(4)) { throw ScanoutError("\(path): not a PNG file (its signature is damaged)") }
        throw ScanoutError("\(path): not a PNG or binary PPM (P6) file (it starts with bytes \(hex(head)))")
    }

    /// Reads a PNG or PPM (by its content) into 8-bit RGB. Sizes are checked against `maxSide` and
    /// `maxPixels` before allocating.
    public static func read(_ path: String, alpha: AlphaHandling = .composeOverWhite) throws(ScanoutError) -> RGBImage {
        switch try detectFormat(path) {
        case .png:
            return try readPNG(path, alpha: alpha)
        case .ppm:
            // Scanout's reader bounds the pixel count by the file's size; the per-side cap is checked here.
            let image = try RGBImage(contentsOfPPM: path)
            try checkSize(image.width, image.height, path: path, kind: "PPM")
            return image
        }
    }

    /// Writes `image` as `format`, atomically (a temporary file, then `rename`).
    public static func write(_ image: RGBImage, to path: String, as format: ImageFormat) throws(ScanoutError) {
        switch format {
        case .png: try image.writePNG(to: path)
        case .ppm: try image.writePPM(to: path)
        }
    }

    /// Throws unless `width`×`height` is within `maxSide` per side and `maxPixels` in all.
    static func checkSize(_ width: Int, _ height: Int, path: String, kind: String) throws(ScanoutError) {
        if width <= 0 || height <= 0 {
            throw ScanoutError("\(path): \(kind) declares an empty image (\(width)x\(height))")
        }
        if width > maxSide || height > maxSide {
            throw ScanoutError("\(path): \(kind) declares \(width)x\(height) pixels; at most \(maxSide) per side are accepted")
        }
        if width * height > maxPixels {   // both ≤ 16384: the product fits easily
            throw ScanoutError("\(path): \(kind) declares \(width)x\(height) = \(width * height) pixels; at most \(maxPixels) (8192x8192) are accepted")
        }
    }

    /// Reads a PNG with libpng's simplified API: `png_image_begin_read_from_file` reads the header (the size
    /// is checked here, before any allocation), then `png_image_finish_read` decodes into 8-bit RGBA
    /// whatever the file holds — RGB, RGBA, grey, grey + alpha, palette with or without tRNS, 16-bit (taken
    /// as sRGB unless a gAMA chunk says otherwise), interlaced — and the alpha channel is handled as `alpha` says.
    static func readPNG(_ path: String, alpha: AlphaHandling) throws(ScanoutError) -> RGBImage {
        var image = png_image()   // zero-initialised by the importer
        image.version = UInt32(PNG_IMAGE_VERSION)
        func libpngMessage() -> String {
            withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        errno = 0
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let reason = errno != 0 ? String(cString: strerror(errno)) + " " : ""
            let message = libpngMessage()
            png_image_free(&image)
            throw ScanoutError("\(path): cannot read the PNG: \(reason)(libpng: \(message))")
        }
        let width = Int(image.width), height = Int(image.height)
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        do throws(ScanoutError) {
            try checkSize(width, height, path: path, kind: "PNG")
            if hasAlpha, case .refuse = alpha {
                throw ScanoutError("\(path): the PNG has an alpha channel; golden images are opaque RGB")
            }
        } catch {
            png_image_free(&image)
            throw error
        }
        // 4 bytes per pixel even for opaque files: one decode path. width × 4 ≤ 65536 and the total
        // ≤ 2^28 bytes, both far inside Int32 and Int.
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)   // PNG_FORMAT_RGBA
        // A 16-bit file without gAMA or sRGB chunks holds sRGB values, as screenshots do; libpng would
        // otherwise take them as linear and brighten every pixel on the way to 8 bits.
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        let ok = rgba.withUnsafeMutableBytes { body in
            png_image_finish_read(&image, nil, body.baseAddress, Int32(width * 4), nil)
        }
        if ok == 0 {
            let message = libpngMessage()
            png_image_free(&image)
            throw ScanoutError("\(path): the PNG is corrupt or truncated (libpng: \(message))")
        }
        return RGBImage(width: width, height: height, bytes: composeOverWhite(rgba, pixels: width * height))
    }

    /// RGBA → RGB over white: c' = (c·a + 255·(255 − a) + 127) / 255, exact for a = 255.
    static func composeOverWhite(_ rgba: [UInt8], pixels: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: pixels * 3) { out, initialized in
            rgba.withUnsafeBufferPointer { source in
                for p in 0..<pixels {
                    let a = Int(source[p * 4 + 3])
                    for c in 0..<3 {
                        let value = Int(source[p * 4 + c])
                        out[p * 3 + c] = a == 255 ? UInt8(value) : UInt8((value * a + 255 * (255 - a) + 127) / 255)
                    }
                }
            }
            initialized = pixels * 3
        }
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined(separator: " ")
    }
}

extension RGBImage {
    /// Reads a PNG into 8-bit RGB (`ImageFile.readPNG`); a PNG with an alpha channel is refused, so that a
    /// golden holds exactly the pixels compared. Sizes are checked before allocating.
    public init(contentsOfPNG path: String) throws(ScanoutError) {
        self = try ImageFile.readPNG(path, alpha: .refuse)
    }
}
