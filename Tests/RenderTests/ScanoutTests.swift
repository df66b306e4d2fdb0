import Compositor
import Glibc
import ImageCompare
import Render
import Scanout
import SeawallTestSupport
import Testing

@Suite struct ScanoutTests {
    /// An output image filled with pseudo-random words (the X byte random too).
    func randomImage(width: Int, height: Int, seed: UInt64) -> OutputImage {
        let image = OutputImage(width: width, height: height)
        var state = seed
        image.withMutablePixels { base in
            for y in 0..<height {
                for x in 0..<width {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    base.storeBytes(of: UInt32(truncatingIfNeeded: state >> 29), toByteOffset: y * image.stride + x * 4, as: UInt32.self)
                }
            }
        }
        return image
    }

    @Test(arguments: [1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 48, 1920, 1921])
    func conversionEqualsNaiveLoop(width: Int) {
        let image = randomImage(width: width, height: 3, seed: UInt64(width))
        let count = width * 3 * 3
        var fast = [UInt8](repeating: 0xEE, count: count + 8)   // guard bytes after the end
        var naive = [UInt8](repeating: 0, count: count)
        fast.withUnsafeMutableBytes { convertXRGBToRGB(image, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<count])) }
        naive.withUnsafeMutableBytes { convertXRGBToRGBNaive(image, into: $0) }
        #expect(Array(fast[..<count]) == naive)
        #expect(fast[count...].allSatisfy { $0 == 0xEE })
        var portable = [UInt8](repeating: 0, count: count)
        portable.withUnsafeMutableBytes { convertXRGBToRGBPortable(image, into: $0) }
        #expect(portable == naive)
        let p = image.pixel(x: width - 1, y: 2)
        let i = (2 * width + width - 1) * 3
        #expect(naive[i] == UInt8((p >> 16) & 0xFF) && naive[i + 1] == UInt8((p >> 8) & 0xFF) && naive[i + 2] == UInt8(p & 0xFF))
        #expect(RGBImage(image).bytes == naive)
    }

    @Test func ppmRoundTrip() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let original = RGBImage(randomImage(width: 13, height: 7, seed: 99))
        try original.writePPM(to: directory + "/a.ppm")
        let back = try RGBImage(contentsOfPPM: directory + "/a.ppm")
        #expect(back == original)
        #expect(readPrefix(directory + "/a.ppm", count: 11) == Array("P6\n13 7\n255".utf8))
    }

    @Test func ppmHeaderWithComments() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let path = directory + "/c.ppm"
        #expect(writeRaw(Array("P6 # made by hand\n2 # width\n1\n# maxval next\n255\n".utf8) + [1, 2, 3, 4, 5, 6], to: path))
        let image = try RGBImage(contentsOfPPM: path)
        #expect(image.width == 2 && image.height == 1)
        #expect(image.pixel(x: 1, y: 0) == (4, 5, 6))
    }

    @Test func badPPMFilesAreErrors() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let cases: [(String, [UInt8], String)] = [
            ("truncated", Array("P6\n4 4\n255\n".utf8) + [UInt8](repeating: 7, count: 20), "truncated"),
            ("header", Array("P6\n4".utf8), "truncated"),
            ("magic", Array("P3\n1 1\n255\n1 2 3".utf8), "P6"),
            ("maxval", Array("P6\n1 1\n65535\n".utf8) + [0, 0, 0, 0, 0, 0], "maxval"),
            ("huge", Array("P6\n999999999 999999999\n255\n".utf8), "range"),
        ]
        for (name, bytes, fragment) in cases {
            let path = directory + "/\(name).ppm"
            #expect(writeRaw(bytes, to: path))
            do {
                _ = try RGBImage(contentsOfPPM: path)
                Issue.record("\(name): expected an error")
            } catch {
                #expect(error.description.contains(fragment), "\(name): \(error)")
                #expect(error.description.contains(path))
            }
        }
        do {
            _ = try RGBImage(contentsOfPPM: directory + "/missing.ppm")
            Issue.record("missing file: expected an error")
        } catch {
            #expect(error.description.contains("No such file or directory"), "\(error)")
        }
    }

    @Test func pngWrittenWithSignature() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let image = RGBImage(randomImage(width: 9, height: 4, seed: 5))
        try image.writePNG(to: directory + "/x.png")
        #expect(readPrefix(directory + "/x.png", count: 8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(throws: ScanoutError.self) { try image.writePNG(to: directory + "/no/such/dir/x.png") }
    }

    @Test("a PNG reads back with exactly the pixels written (goldens are PNG)")
    func pngRoundTrips() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let image = RGBImage(randomImage(width: 37, height: 23, seed: 11))
        try image.writePNG(to: directory + "/x.png")
        #expect(try RGBImage(contentsOfPNG: directory + "/x.png") == image)
        #expect(throws: ScanoutError.self) { try RGBImage(contentsOfPNG: directory + "/missing.png") }
        #expect(writeRaw(Array("P6\n1 1\n255\nabc".utf8), to: directory + "/not.png"))
        #expect(throws: ScanoutError.self) { try RGBImage(contentsOfPNG: directory + "/not.png") }
    }

    @Test func compareReportsMismatchesAndTolerance() {
        let expected = RGBImage(width: 3, height: 2, bytes: [UInt8](repeating: 100, count: 18))
        var actual = expected
        #expect(actual.compare(to: expected).matches)
        actual.bytes[3 * 4 + 1] = 103       // pixel (1, 1), green +3
        actual.bytes[3 * 5 + 2] = 90        // pixel (2, 1), blue −10
        let strict = actual.compare(to: expected)
        #expect(!strict.matches && strict.mismatchedPixels == 2 && strict.maxChannelDifference == 10)
        #expect(strict.firstMismatch?.x == 1 && strict.firstMismatch?.y == 1)
        #expect(strict.diff.pixel(x: 1, y: 1) == (255, 0, 0))
        #expect(strict.diff.pixel(x: 0, y: 0) == (33, 33, 33))
        #expect(strict.summary.contains("2 of 6 pixels"))
        let loose = actual.compare(to: expected, tolerance: 3)
        #expect(loose.mismatchedPixels == 1 && loose.firstMismatch?.x == 2)
        #expect(actual.compare(to: expected, tolerance: 10).matches)
        let other = RGBImage(width: 2, height: 3, bytes: expected.bytes)
        let sized = other.compare(to: expected)
        #expect(sized.sizeMismatch && !sized.matches && sized.summary.contains("2x3"))
    }

    @Test func fileScanoutDumpsAndFinishes() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory + "/out/deeper"); removeDirectory(directory + "/out"); removeDirectory(directory) }
        let scanout = try FileScanout(outputDirectory: directory + "/out/deeper", dumpEvery: 2)
        #expect(scanout.name == "ppm")
        let renderer = Renderer(width: 5, height: 4, background: 0xFF10_2030)
        for frame in UInt64(1)...5 {
            try scanout.present(renderer.image, damage: Region(), frame: frame)
        }
        #expect(scanout.framesWritten == 2)
        let paths = try scanout.finish(renderer.image)   // waits for the writer thread
        let frame4 = try RGBImage(contentsOfPPM: directory + "/out/deeper/frame-000004.ppm")
        #expect(frame4.pixel(x: 4, y: 3) == (0x10, 0x20, 0x30))
        #expect(access(directory + "/out/deeper/frame-000003.ppm", F_OK) != 0)
        #expect(paths == [directory + "/out/deeper/last.ppm", directory + "/out/deeper/last.png"])
        #expect(try RGBImage(contentsOfPPM: paths[0]) == RGBImage(renderer.image))
        #expect(NullScanout().name == "null")
        #expect(throws: ScanoutError.self) { try FileScanout(outputDirectory: paths[0] + "/sub", dumpEvery: 0) }
    }
}
