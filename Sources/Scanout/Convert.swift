import CPixelConvert
import Render

/// XRGB8888 rows → packed 8-bit RGB (R, G, B per pixel, rows `width * 3` bytes apart, no padding).
///
/// Blocks of 16 pixels go through SSSE3 `pshufb` (CPixelConvert's `sw_xrgb_to_rgb_row`, chosen at run time:
/// SwiftPM compiles Swift for baseline x86-64, where LLVM lowers a `SIMD16<UInt8>` shuffle to ~13 SSE2
/// shuffles per 4 pixels). The rest of each row — or all of it on a CPU without SSSE3 — goes through a
/// tuned SWAR loop: eight pixels per step, each group of four read as two 64-bit words and written as one
/// 64-bit plus one 32-bit word, the channel order fixed by a byte swap. tools/bench measures both.
///
/// `buffer` must hold at least `width * height * 3` bytes.
public func convertXRGBToRGB(_ image: OutputImage, into buffer: UnsafeMutableRawBufferPointer) {
    image.withPixels { convertXRGBToRGB($0, width: image.width, height: image.height, stride: image.stride, into: buffer) }
}

/// The same conversion from rows anywhere in memory (`height` rows of `width` pixels, `stride` bytes apart):
/// the frame writer converts its snapshots of the output with it.
public func convertXRGBToRGB(_ pixels: UnsafeRawPointer, width: Int, height: Int, stride: Int,
                             into buffer: UnsafeMutableRawBufferPointer) {
    precondition(buffer.count >= width * height * 3,
                 "convertXRGBToRGB: buffer of \(buffer.count) bytes, need \(width * height * 3)")
    guard let output = buffer.baseAddress else { return }
    for y in 0..<height {
        let source = pixels + y &* stride, destination = output + y &* width &* 3
        let done = sw_xrgb_to_rgb_row(source, destination, width)
        convertRow(source + done &* 4, into: destination + done &* 3, width: width - done)
    }
}

/// The same conversion without the SSSE3 blocks: the portable path, measured by tools/bench.
public func convertXRGBToRGBPortable(_ image: OutputImage, into buffer: UnsafeMutableRawBufferPointer) {
    let width = image.width, height = image.height, stride = image.stride
    precondition(buffer.count >= width * height * 3, "convertXRGBToRGBPortable: buffer too small")
    guard let output = buffer.baseAddress else { return }
    image.withPixels { pixels in
        for y in 0..<height {
            convertRow(pixels + y &* stride, into: output + y &* width &* 3, width: width)
        }
    }
}

/// One row; `source` holds `width` XRGB words, `destination` receives `width * 3` bytes.
@inline(__always)
private func convertRow(_ source: UnsafeRawPointer, into destination: UnsafeMutableRawPointer, width: Int) {
    var src = source
    var out = destination
    let blockEnd = source + (width / 8) &* 32
    while src < blockEnd {   // 8 pixels per step: two independent 4-pixel groups
        convertFour(src.loadUnaligned(as: UInt64.self), src.loadUnaligned(fromByteOffset: 8, as: UInt64.self), into: out)
        convertFour(src.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                    src.loadUnaligned(fromByteOffset: 24, as: UInt64.self), into: out + 12)
        src += 32
        out += 24
    }
    let end = source + width &* 4
    while src < end {
        let p = UInt32(littleEndian: src.loadUnaligned(as: UInt32.self))
        out.storeBytes(of: UInt8(truncatingIfNeeded: p >> 16), as: UInt8.self)
        (out + 1).storeBytes(of: UInt8(truncatingIfNeeded: p >> 8), as: UInt8.self)
        (out + 2).storeBytes(of: UInt8(truncatingIfNeeded: p), as: UInt8.self)
        src += 4
        out += 3
    }
}

/// Four pixels, read as the little-endian words `a` = p1:p0 and `b` = p3:p2 (each p = 0xXXRRGGBB), written
/// as 12 bytes R0 G0 B0 R1 G1 B1 R2 G2 | B2 R3 G3 B3: that is the big-endian 64-bit value
/// rgb0 << 40 | rgb1 << 16 | rgb2 >> 8 followed by the big-endian 32-bit value (rgb2 & 0xFF) << 24 | rgb3.
/// Shifts drop the X bytes where they can; masks do the rest.
@inline(__always)
private func convertFour(_ a: UInt64, _ b: UInt64, into out: UnsafeMutableRawPointer) {
    let a = UInt64(littleEndian: a), b = UInt64(littleEndian: b)
    let p1 = a >> 32, p2 = b & 0xFFFF_FFFF
    let high: UInt64 = (a << 40) | ((p1 & 0xFF_FFFF) << 16) | ((p2 >> 8) & 0xFFFF)
    let low: UInt32 = (UInt32(truncatingIfNeeded: p2) << 24) | (UInt32(truncatingIfNeeded: b >> 32) & 0xFF_FFFF)
    out.storeBytes(of: UInt64(bigEndian: high), as: UInt64.self)
    (out + 8).storeBytes(of: UInt32(bigEndian: low), as: UInt32.self)
}

/// The reference conversion, one byte at a time: what `convertXRGBToRGB` must equal (tests) and what it is
/// measured against (tools/bench).
public func convertXRGBToRGBNaive(_ image: OutputImage, into buffer: UnsafeMutableRawBufferPointer) {
    let width = image.width, height = image.height, stride = image.stride
    precondition(buffer.count >= width * height * 3, "convertXRGBToRGBNaive: buffer too small")
    image.withPixels { pixels in
        var k = 0
        for y in 0..<height {
            let row = pixels + y * stride
            for x in 0..<width {
                buffer[k] = row.load(fromByteOffset: x * 4 + 2, as: UInt8.self)
                buffer[k + 1] = row.load(fromByteOffset: x * 4 + 1, as: UInt8.self)
                buffer[k + 2] = row.load(fromByteOffset: x * 4, as: UInt8.self)
                k += 3
            }
        }
    }
}
