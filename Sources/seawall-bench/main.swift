// seawall-bench: the cost of a 1080p full-damage frame, from composition to a PPM on disk.
//
// Scene: one full-screen XRGB8888 surface and one 800x600 ARGB8888 surface (real, varying alpha) on top,
// full damage every frame. Each measurement runs ~200 iterations after a warm-up and prints the median and
// 95th percentile of CLOCK_MONOTONIC wall time. Run through tools/bench (release build).
import CPixelConvert
import Compositor
import Glibc
import Render
import Scanout

/// Pixels in a Swift array, as a benchmark surface.
final class ArraySource: PixelSource {
    let width: Int32, height: Int32, stride: Int32
    let format: PixelFormat
    var words: [UInt32]

    init(width: Int, height: Int, format: PixelFormat, pixel: (Int, Int) -> UInt32) {
        self.width = Int32(width); self.height = Int32(height); self.stride = Int32(width * 4)
        self.format = format
        var words = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { words[y * width + x] = pixel(x, y) } }
        self.words = words
    }

    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try words.withUnsafeBytes { buffer in try buffer.baseAddress.map(body) }
    }
}

/// Milliseconds on CLOCK_MONOTONIC.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
}

/// Runs `body` `warmup` times unmeasured, then `iterations` times; prints and returns (median, p95) in ms.
@discardableResult
func measure(_ label: String, iterations: Int = 200, warmup: Int = 10, _ body: () throws -> Void) rethrows -> (Double, Double) {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = now()
        try body()
        samples.append(now() - start)
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let p95 = samples[min(samples.count - 1, samples.count * 95 / 100)]
    func ms(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
    }
    print("\(label): median \(ms(median)) p95 \(ms(p95))")
    return (median, p95)
}

let width = 1920, height = 1080
let background = ArraySource(width: width, height: height, format: .xrgb8888) { x, y in
    0x0000_0000 | UInt32((x * 255 / width) << 16) | UInt32((y * 255 / height) << 8) | 0x40
}
let overlay = ArraySource(width: 800, height: 600, format: .argb8888) { x, _ in
    let alpha = UInt32(64 + x % 160)                        // 64...223: never the opaque/clear fast cases
    return alpha << 24 | (alpha * 3 / 4) << 16 | (alpha / 2) << 8 | alpha / 4   // premultiplied
}
let items = [SceneItem(x: 0, y: 0, source: background), SceneItem(x: 560, y: 240, source: overlay)]
let full = Region(Rect(x: 0, y: 0, width: Int64(width), height: Int64(height)))
let renderer = Renderer(width: width, height: height)

print("seawall-bench: \(width)x\(height), XRGB full-screen + ARGB 800x600 on top, full damage, 200 iterations")
measure("compose 1080p full damage") { renderer.render(items, damage: full) }

// A full-screen translucent window over the background: blended onto the background colour in one pass, and
// the same window through a 1:1 viewport, which the renderer draws the other way (fill, then pixman OVER).
let translucent = ArraySource(width: width, height: height, format: .argb8888) { x, y in
    let alpha = UInt32(64 + (x + y) % 160)
    return alpha << 24 | (alpha * 3 / 4) << 16 | (alpha / 2) << 8 | alpha / 4
}
let blended = [SceneItem(x: 0, y: 0, source: translucent)]
var viewed = SceneItem(x: 0, y: 0, source: translucent)
viewed.viewport = ScaledCrop(crop: Crop(x: 0, y: 0, width: Int64(width) * 256, height: Int64(height) * 256),
                             width: Int64(width), height: Int64(height))
measure("ARGB full screen onto the background (one pass)") { renderer.render(blended, damage: full) }
measure("ARGB full screen, fill + pixman OVER (as before)") { renderer.render([viewed], damage: full) }
// The one-pass blend's kernels on their own (the renderer uses the fastest; see CPixelConvert.h), over the same
// pixels into the output image, with the streaming stores the renderer uses at this size.
for (name, kernel) in [("portable", SW_KERNEL_PORTABLE), ("SSE2", SW_KERNEL_SSE2), ("AVX2", SW_KERNEL_AVX2)]
where sw_kernel_supports(Int32(kernel)) == 1 {
    let target = renderer.image
    measure("ARGB full screen onto the background, \(name) kernel alone") {
        translucent.withPixels { pixels in
            target.withMutablePixels { bytes in
                sw_over_solid_with(Int32(kernel), 1, pixels, width * 4, bytes, target.stride, width, height, 0x20_2830)
            }
        }
    }
}
let copyTarget = UnsafeMutableRawPointer.allocate(byteCount: width * height * 4, alignment: 64)
defer { copyTarget.deallocate() }
measure("memcpy of one 1080p frame (warm)") { translucent.withPixels { copyTarget.copyMemory(from: $0, byteCount: width * height * 4) } }

// A direct frame: one opaque buffer is the output (nothing composed; the image is filled only when read).
let direct = [SceneItem(x: 0, y: 0, source: background)]
measure("direct frame (show, no copy)") { if let frame = renderer.directFrame(direct) { renderer.show(frame) } }
measure("direct frame then read the image (one copy)") {
    if let frame = renderer.directFrame(direct) { renderer.show(frame) }
    _ = renderer.image
}

let rgb = UnsafeMutableRawBufferPointer.allocate(byteCount: width * height * 3, alignment: 64)
defer { rgb.deallocate() }
measure("XRGB->RGB convert (SSSE3 + SWAR tail)") { convertXRGBToRGB(renderer.image, into: rgb) }
measure("XRGB->RGB convert (portable SWAR)") { convertXRGBToRGBPortable(renderer.image, into: rgb) }
measure("XRGB->RGB convert (naive byte loop)") { convertXRGBToRGBNaive(renderer.image, into: rgb) }

var template = Array("/tmp/seawall-bench-XXXXXX".utf8CString)
let made: String? = template.withUnsafeMutableBufferPointer { buffer in
    buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
}
guard let directory = made else {
    print("seawall-bench: mkdtemp failed: \(String(cString: strerror(errno)))")
    exit(1)
}
do {
    let scanout = try FileScanout(outputDirectory: directory, dumpEvery: 1)
    var frame: UInt64 = 0
    try measure("PPM frame (compose + convert + write)") {
        frame += 1
        renderer.render(items, damage: full)
        try scanout.present(renderer.image, damage: full, frame: frame)
    }
    let start = now()
    let paths = try scanout.finish(renderer.image)
    print("finish (last.ppm + last.png): \(Int((now() - start).rounded())) ms")
    for path in paths { unlink(path) }
    for f in 1...frame { unlink(scanout.path(forFrame: f)) }
} catch {
    print("seawall-bench: \(error)")
}
rmdir(directory)
