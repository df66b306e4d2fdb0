import Glibc
import ImageCompare
import Scanout
import Testing

@Suite struct PixelDistanceTests {
    @Test("the distance is 0 only for equal pixels, 1 for the most different pair, symmetric, and grows")
    func scale() {
        #expect(PixelDistance.distance((10, 20, 30), (10, 20, 30)) == 0)
        #expect(PixelDistance.distance((255, 0, 0), (0, 255, 255)) == 1)   // red against cyan: the maximum
        #expect(PixelDistance.distance((0, 0, 0), (255, 255, 255)) < 1)
        #expect(PixelDistance.distance((0, 0, 0), (255, 255, 255)) > 0.9)
        let one = PixelDistance.distance((100, 100, 100), (101, 100, 100))
        #expect(one > 0 && one < 0.003, "a change of 1 in one channel is \(one)")
        #expect(one == PixelDistance.distance((101, 100, 100), (100, 100, 100)))
        #expect(PixelDistance.distance((100, 100, 100), (110, 100, 100)) > one)
        // Every single-channel step of 1 is above 0 (so threshold 0 is exact) and below 0.0027.
        for (dr, dg, db) in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] {
            let d = (PixelDistance.squared(dr, dg, db) / PixelDistance.maxSquared).squareRoot()
            #expect(d > 0 && d < 0.0027)
        }
    }
}

@Suite struct ComparisonTests {
    let base = TestImages.random(width: 40, height: 30, seed: 7)

    func changed(_ image: RGBImage, _ points: [(Int, Int)], by delta: Int) -> RGBImage {
        var copy = image
        for (x, y) in points {
            let i = (y * image.width + x) * 3
            copy.bytes[i] = UInt8(clamping: Int(copy.bytes[i]) + (copy.bytes[i] > 127 ? -delta : delta))
        }
        return copy
    }

    @Test func identicalImagesHaveNoDifferences() throws {
        let d = try compareImages(base, base, metric: .perceptual(threshold: 0), drawDiff: true)
        #expect(d.differing == 0 && d.masked == 0 && d.compared == 1200 && d.largest == nil && d.ratio == 0)
        #expect(ComparisonLimits().allow(d))
    }

    @Test("one pixel changed a little passes at threshold 0.1 and fails at 0")
    func thresholdDecides() throws {
        let actual = changed(base, [(5, 6)], by: 8)
        let exact = try compareImages(actual, base, metric: .perceptual(threshold: 0), drawDiff: true)
        #expect(exact.differing == 1 && !ComparisonLimits().allow(exact))
        #expect(exact.firstDifference?.x == 5 && exact.firstDifference?.y == 6)
        let largest = try #require(exact.largest)
        #expect(largest.x == 5 && largest.y == 6 && largest.distance > 0.005 && largest.distance < 0.1)
        #expect(try #require(exact.diff).pixel(x: 5, y: 6) == (255, 0, 0))
        let loose = try compareImages(actual, base, metric: .perceptual(threshold: 0.1))
        #expect(loose.differing == 0 && ComparisonLimits().allow(loose))
        #expect(loose.largest?.x == 5, "the largest difference is reported also within the threshold")
        // A big change fails even at 0.1; threshold 1 accepts anything.
        let big = changed(base, [(1, 1)], by: 120)
        #expect(try compareImages(big, base, metric: .perceptual(threshold: 0.1)).differing == 1)
        let inverted = RGBImage(width: 40, height: 30, bytes: base.bytes.map { 255 - $0 })
        #expect(try compareImages(inverted, base, metric: .perceptual(threshold: 1)).differing == 0)
    }

    @Test("masks leave pixels out, are clipped to the image, and one wholly outside is an error")
    func masks() throws {
        let actual = changed(base, [(2, 2), (30, 20)], by: 50)
        let mask = try #require(Mask(parsing: "0,0,10,10"))
        let d = try compareImages(actual, base, metric: .perceptual(threshold: 0), masks: [mask], drawDiff: true)
        #expect(d.masked == 100 && d.compared == 1100 && d.differing == 1 && d.firstDifference?.x == 30)
        let diff = try #require(d.diff)
        let inside = diff.pixel(x: 3, y: 3), outside = diff.pixel(x: 12, y: 3)
        #expect(inside.b == inside.r + 96 && inside.r == inside.g, "masked pixels are blue-tinted: \(inside)")
        #expect(outside.r == outside.g && outside.g == outside.b, "other pixels are grey: \(outside)")
        #expect(diff.pixel(x: 2, y: 2) != (255, 0, 0) && diff.pixel(x: 30, y: 20) == (255, 0, 0))
        // Partly outside: clipped (here to 5x5 in the bottom-right corner), overlapping masks counted once.
        let corner = try #require(Mask(parsing: "35,25,100,100"))
        let both = try compareImages(actual, base, metric: .perceptual(threshold: 0), masks: [mask, mask, corner])
        #expect(both.masked == 125)
        #expect(throws: ComparisonError.maskOutside(Mask(x: 40, y: 0, width: 5, height: 5), width: 40, height: 30)) {
            try compareImages(actual, base, metric: .perceptual(threshold: 0), masks: [Mask(x: 40, y: 0, width: 5, height: 5)])
        }
        #expect(throws: ComparisonError.self) {
            try compareImages(actual, base, metric: .perceptual(threshold: 0), masks: [Mask(x: -9, y: -9, width: 9, height: 50)])
        }
        for bad in ["1,2,3", "1,2,0,4", "1,2,3,-4", "a,b,c,d", "1,2,3,4,5", "", "1,,3,4", "1,2,3,4294967296000"] {
            #expect(Mask(parsing: bad) == nil, "\(bad) is not a mask")
        }
        #expect(Mask(parsing: "-5, 3,7,8") == Mask(x: -5, y: 3, width: 7, height: 8))
    }

    @Test("limits: a pixel count, a ratio of the compared pixels, both meaning the stricter")
    func limits() throws {
        let actual = changed(base, [(0, 0), (1, 0), (2, 0), (3, 0)], by: 40)   // 4 of 1200
        let d = try compareImages(actual, base, metric: .perceptual(threshold: 0))
        #expect(d.differing == 4 && abs(d.ratio - 4.0 / 1200) < 1e-12)
        #expect(!ComparisonLimits().allow(d))
        #expect(ComparisonLimits(maxDiffPixels: 4).allow(d) && !ComparisonLimits(maxDiffPixels: 3).allow(d))
        #expect(ComparisonLimits(maxDiffRatio: 0.004).allow(d) && !ComparisonLimits(maxDiffRatio: 0.003).allow(d))
        #expect(!ComparisonLimits(maxDiffPixels: 100, maxDiffRatio: 0.003).allow(d))
        #expect(!ComparisonLimits(maxDiffPixels: 3, maxDiffRatio: 0.5).allow(d))
        // With a mask the ratio is of the compared pixels: 4 of 600.
        let half = try compareImages(actual, base, metric: .perceptual(threshold: 0), masks: [Mask(x: 0, y: 15, width: 40, height: 15)])
        #expect(half.compared == 600 && abs(half.ratio - 4.0 / 600) < 1e-12)
    }

    @Test func sizesDifferIsAnErrorNamingBoth() {
        let other = TestImages.random(width: 30, height: 40, seed: 7)
        do {
            _ = try compareImages(other, base, metric: .perceptual(threshold: 0))
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("actual 30x40") && error.description.contains("golden 40x30"))
        }
    }

    @Test("the channel metric (Seawall's golden tests) counts a pixel when some channel is beyond the tolerance")
    func channelMetric() throws {
        let actual = changed(base, [(4, 4)], by: 3)
        #expect(try compareImages(actual, base, metric: .channel(tolerance: 0)).differing == 1)
        #expect(try compareImages(actual, base, metric: .channel(tolerance: 3)).differing == 0)
        #expect(try compareImages(actual, base, metric: .channel(tolerance: 3)).maxChannelDifference == 3)
    }
}

@Suite struct ImageFileTests {
    let directory = TestImages.directory()

    @Test("PNG and PPM of the same pixels read back equal and compare equal")
    func pngAndPPMAgree() throws {
        defer { TestImages.remove(directory) }
        let image = TestImages.random(width: 33, height: 17, seed: 3)
        try image.writePNG(to: directory + "/a.png")
        try image.writePPM(to: directory + "/a.ppm")
        // Misleading names: the content decides the format.
        try image.writePNG(to: directory + "/png-named.ppm")
        let png = try ImageFile.read(directory + "/a.png"), ppm = try ImageFile.read(directory + "/a.ppm")
        let misnamed = try ImageFile.read(directory + "/png-named.ppm")
        #expect(png == image && ppm == image && misnamed == image)
        #expect(try ImageFile.detectFormat(directory + "/png-named.ppm") == .png)
        #expect(try compareImages(png, ppm, metric: .perceptual(threshold: 0)).differing == 0)
        #expect(ImageFormat(extensionOf: "x/y.PNG") == .png && ImageFormat(extensionOf: "y.pnm") == .ppm)
        #expect(ImageFormat(extensionOf: "y.jpg") == nil && ImageFormat(extensionOf: ".png") == nil
                && ImageFormat(extensionOf: "dir.png/file") == nil)
    }

    @Test("PNG colour types real tools write: grey, palette with tRNS, RGBA over white, 16-bit, interlaced")
    func colourTypes() throws {
        defer { TestImages.remove(directory) }
        // Grey, 8-bit, 2x1: values 0 and 200.
        TestImages.write(PNGBuilder.png(width: 2, height: 1, colourType: 0, scanlines: [0, 0, 200]), to: directory + "/grey.png")
        #expect(try ImageFile.read(directory + "/grey.png").bytes == [0, 0, 0, 200, 200, 200])
        // Palette: entry 0 red, entry 1 blue with alpha 0 (transparent: white over white).
        TestImages.write(PNGBuilder.png(width: 2, height: 1, colourType: 3, palette: [255, 0, 0, 0, 0, 255],
                                        transparency: [255, 0], scanlines: [0, 0, 1]), to: directory + "/palette.png")
        #expect(try ImageFile.read(directory + "/palette.png").bytes == [255, 0, 0, 255, 255, 255])
        // RGBA: opaque green, half-transparent black (→ 128 grey over white), fully transparent red (→ white).
        TestImages.write(PNGBuilder.png(width: 3, height: 1, colourType: 6,
                                        scanlines: [0, 0, 255, 0, 255, 0, 0, 0, 128, 255, 0, 0, 0]), to: directory + "/rgba.png")
        #expect(try ImageFile.read(directory + "/rgba.png").bytes == [0, 255, 0, 127, 127, 127, 255, 255, 255])
        #expect(throws: ScanoutError.self) { try RGBImage(contentsOfPNG: directory + "/rgba.png") }   // goldens stay opaque
        // 16-bit RGB: the high bytes are the 8-bit values.
        TestImages.write(PNGBuilder.png(width: 1, height: 1, bitDepth: 16, colourType: 2,
                                        scanlines: [0, 0x12, 0x12, 0xAB, 0xAB, 0xFF, 0xFF]), to: directory + "/deep.png")
        #expect(try ImageFile.read(directory + "/deep.png").bytes == [0x12, 0xAB, 0xFF])
        // Adam7, 2x2: pass 1 holds (0,0), pass 6 (1,0), pass 7 row 1.
        TestImages.write(PNGBuilder.png(width: 2, height: 2, colourType: 2, interlaced: true,
                                        scanlines: [0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12]), to: directory + "/adam7.png")
        #expect(try ImageFile.read(directory + "/adam7.png").bytes == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    }

    func error(reading path: String) -> String {
        do {
            _ = try ImageFile.read(path)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("absurd, empty, corrupt, truncated and foreign files are errors naming the file")
    func hostileFiles() throws {
        defer { TestImages.remove(directory) }
        let huge = directory + "/huge.png"
        TestImages.write(PNGBuilder.png(width: 100_000, height: 100_000, colourType: 2, scanlines: [0, 1, 2, 3]), to: huge)
        let hugeError = error(reading: huge)
        #expect(hugeError.contains(huge) && hugeError.contains("100000x100000") && hugeError.contains("16384 per side"), "\(hugeError)")
        TestImages.write(PNGBuilder.png(width: 10_000, height: 10_000, colourType: 6, scanlines: [0]), to: directory + "/big.png")
        #expect(error(reading: directory + "/big.png").contains("8192x8192"))
        TestImages.write(Array("P6\n20000 2\n255\n".utf8) + [UInt8](repeating: 1, count: 120_000), to: directory + "/wide.ppm")
        #expect(error(reading: directory + "/wide.ppm").contains("16384 per side"))

        let image = TestImages.random(width: 64, height: 64, seed: 1)
        try image.writePNG(to: directory + "/good.png")
        let good = TestImages.readBytes(directory + "/good.png")
        #expect(good.count > 100)
        TestImages.write(Array(good.prefix(good.count / 2)), to: directory + "/truncated.png")
        let truncated = error(reading: directory + "/truncated.png")
        #expect(truncated.contains("truncated.png") && truncated.contains("PNG"), "\(truncated)")
        var flipped = good
        flipped[good.count / 2] ^= 0xFF   // inside the compressed data: a CRC error
        TestImages.write(flipped, to: directory + "/crc.png")
        #expect(error(reading: directory + "/crc.png").contains("crc.png"))
        var damaged = good
        damaged[5] = 0   // the signature
        TestImages.write(damaged, to: directory + "/signature.png")
        #expect(error(reading: directory + "/signature.png").contains("signature is damaged"))
        TestImages.write([], to: directory + "/empty.png")
        #expect(error(reading: directory + "/empty.png").contains("empty"))
        TestImages.write(Array("GIF89a......".utf8), to: directory + "/x.gif")
        #expect(error(reading: directory + "/x.gif").contains("not a PNG or binary PPM"))
        TestImages.write(Array("P3\n1 1\n255\n1 2 3\n".utf8), to: directory + "/ascii.ppm")
        #expect(error(reading: directory + "/ascii.ppm").contains("P3"))
        TestImages.write(Array("P6\n2 2\n65535\n".utf8) + [UInt8](repeating: 0, count: 24), to: directory + "/deep.ppm")
        #expect(error(reading: directory + "/deep.ppm").contains("maxval"))
        #expect(error(reading: directory + "/missing.png").contains("No such file"))
        #expect(error(reading: directory).contains("not a regular file"))
    }
}
