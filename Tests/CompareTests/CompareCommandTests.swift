import Foundation
import Glibc
import ImageCompare
import Scanout
import SeawallTestSupport
import Testing

/// The real `seawall compare` binary on real files: exit statuses 0, 1, 2 (and 64 for bad flags), what it
/// prints, the diff image it writes, and --update.
@Suite struct CompareCommandTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    let directory = TestImages.directory()
    let golden = TestImages.random(width: 48, height: 32, seed: 21)

    struct Run { let status: Int32?; let stdout: String; let stderr: String; let transcript: String }

    func compare(_ arguments: [String]) throws -> Run {
        let child = try ChildProcess(executable: Self.seawall, arguments: ["compare"] + arguments)
        #expect(child.wait(seconds: 60), "seawall compare finished")
        return Run(status: child.exitStatus, stdout: child.stdout, stderr: child.stderr, transcript: child.transcript)
    }

    /// `golden` with the red channel of each point moved by `delta` (towards the middle).
    func changed(_ points: [(Int, Int)], by delta: Int) -> RGBImage {
        var copy = golden
        for (x, y) in points {
            let i = (y * golden.width + x) * 3
            copy.bytes[i] = UInt8(clamping: Int(copy.bytes[i]) + (copy.bytes[i] > 127 ? -delta : delta))
        }
        return copy
    }

    @Test("identical pixels in PNG and PPM: exit 0 and 0 differing pixels")
    func identical() throws {
        defer { TestImages.remove(directory) }
        try golden.writePNG(to: directory + "/golden.png")
        try golden.writePPM(to: directory + "/actual.ppm")
        let run = try compare([directory + "/actual.ppm", directory + "/golden.png"])
        #expect(run.status == 0, Comment(rawValue: run.transcript))
        #expect(run.stdout.contains("matches") && run.stdout.contains("(48x32): 0 of 1536 compared pixels differ"),
                Comment(rawValue: run.transcript))
        #expect(run.stderr.isEmpty, Comment(rawValue: run.transcript))
    }

    @Test("two changed pixels: exit 1 with the counts, the largest difference, and red in the diff image")
    func differ() throws {
        defer { TestImages.remove(directory) }
        try golden.writePNG(to: directory + "/golden.png")
        try changed([(7, 3), (40, 30)], by: 6).writePNG(to: directory + "/small.png")
        try changed([(7, 3)], by: 6).writePNG(to: directory + "/actual.png")
        var actual = try ImageFile.read(directory + "/actual.png")
        let i = (30 * 48 + 40) * 3
        actual.bytes[i + 1] = actual.bytes[i + 1] > 127 ? 0 : 255   // a big green change at (40, 30)
        try actual.writePPM(to: directory + "/actual.ppm")

        let run = try compare([directory + "/actual.ppm", directory + "/golden.png", "--diff", directory + "/diff.png"])
        #expect(run.status == 1, Comment(rawValue: run.transcript))
        #expect(run.stdout.contains("differs from") && run.stdout.contains("2 of 1536 compared pixels differ (ratio 0.001302; 0 allowed) at threshold 0"),
                Comment(rawValue: run.transcript))
        #expect(run.stdout.contains("largest difference") && run.stdout.contains("at (40, 30)"), Comment(rawValue: run.transcript))
        #expect(run.stdout.contains("first differing pixel at (7, 3)"), Comment(rawValue: run.transcript))
        let diff = try ImageFile.read(directory + "/diff.png")
        #expect(diff.width == 48 && diff.height == 32)
        #expect(diff.pixel(x: 7, y: 3) == (255, 0, 0) && diff.pixel(x: 40, y: 30) == (255, 0, 0))
        var red = 0
        for y in 0..<32 { for x in 0..<48 where diff.pixel(x: x, y: y) == (255, 0, 0) { red += 1 } }
        #expect(red == 2, "exactly the differing pixels are red")
        let grey = diff.pixel(x: 0, y: 0)
        #expect(grey.r == grey.g && grey.g == grey.b && grey.r <= 85, "the rest is dimmed grey: \(grey)")

        // A small change passes at threshold 0.1; the big one does not, unless one pixel is allowed.
        let small = try compare([directory + "/small.png", directory + "/golden.png", "--threshold", "0.1"])
        #expect(small.status == 0, Comment(rawValue: small.transcript))
        let loose = try compare([directory + "/actual.ppm", directory + "/golden.png", "--threshold", "0.1"])
        #expect(loose.status == 1 && loose.stdout.contains("1 of 1536"), Comment(rawValue: loose.transcript))
        #expect(try compare([directory + "/actual.ppm", directory + "/golden.png", "--threshold", "0.1",
                             "--max-diff-pixels", "1"]).status == 0)
        #expect(try compare([directory + "/actual.ppm", directory + "/golden.png", "--max-diff-ratio", "0.0014"]).status == 0)
        #expect(try compare([directory + "/actual.ppm", directory + "/golden.png", "--max-diff-ratio", "0.0014",
                             "--max-diff-pixels", "1"]).status == 1)
        // Masks over both changes: a match, and the diff image shows the masks in blue.
        let masked = try compare([directory + "/actual.ppm", directory + "/golden.png", "--mask", "0,0,10,10",
                                  "--mask", "40,30,100,100", "--diff", directory + "/masked.ppm"])
        #expect(masked.status == 0 && masked.stdout.contains("0 of 1420 compared pixels differ")
                && masked.stdout.contains("116 pixels masked by 2 masks"), Comment(rawValue: masked.transcript))
        let maskedDiff = try RGBImage(contentsOfPPM: directory + "/masked.ppm")
        let tinted = maskedDiff.pixel(x: 7, y: 3)
        #expect(tinted.b == tinted.r + 96, "masked pixels are blue: \(tinted)")
    }

    @Test("--json prints one object with the counts, the largest difference and the result")
    func json() throws {
        defer { TestImages.remove(directory) }
        try golden.writePNG(to: directory + "/golden.png")
        try changed([(1, 2)], by: 30).writePNG(to: directory + "/actual.png")
        let run = try compare([directory + "/actual.png", directory + "/golden.png", "--json"])
        #expect(run.status == 1, Comment(rawValue: run.transcript))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                                  Comment(rawValue: run.transcript))
        #expect(object["result"] as? String == "differ")
        #expect(object["differing"] as? Int == 1 && object["compared"] as? Int == 1536 && object["pixels"] as? Int == 1536)
        let largest = try #require(object["largest"] as? [String: Any])
        #expect(largest["x"] as? Int == 1 && largest["y"] as? Int == 2)
        #expect((largest["distance"] as? Double ?? 0) > 0)
        let missing = try compare([directory + "/nothing.png", directory + "/golden.png", "--json"])
        #expect(missing.status == 2)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any],
                                 Comment(rawValue: missing.transcript))
        #expect(error["result"] as? String == "error" && (error["error"] as? String ?? "").contains("nothing.png"))
    }

    @Test("errors exit 2 with a message naming the file or both sizes; bad flags exit 64")
    func errors() throws {
        defer { TestImages.remove(directory) }
        try golden.writePNG(to: directory + "/golden.png")
        try TestImages.random(width: 32, height: 48, seed: 1).writePNG(to: directory + "/rotated.png")
        let sizes = try compare([directory + "/rotated.png", directory + "/golden.png"])
        #expect(sizes.status == 2 && sizes.stderr.contains("actual 32x48, golden 48x32"), Comment(rawValue: sizes.transcript))

        let bytes = TestImages.readBytes(directory + "/golden.png")
        TestImages.write(Array(bytes.prefix(bytes.count - 40)), to: directory + "/corrupt.png")
        let corrupt = try compare([directory + "/corrupt.png", directory + "/golden.png"])
        #expect(corrupt.status == 2 && corrupt.stderr.contains("corrupt.png"), Comment(rawValue: corrupt.transcript))

        TestImages.write(PNGBuilder.png(width: 100_000, height: 100_000, colourType: 6, scanlines: [0]), to: directory + "/huge.png")
        let huge = try compare([directory + "/golden.png", directory + "/huge.png"])
        #expect(huge.status == 2 && huge.stderr.contains("huge.png") && huge.stderr.contains("16384"), Comment(rawValue: huge.transcript))

        let missing = try compare([directory + "/golden.png", directory + "/missing.png"])
        #expect(missing.status == 2 && missing.stderr.contains("missing.png") && missing.stderr.contains("--update"),
                Comment(rawValue: missing.transcript))
        let outside = try compare([directory + "/golden.png", directory + "/golden.png", "--mask", "48,0,4,4"])
        #expect(outside.status == 2 && outside.stderr.contains("outside"), Comment(rawValue: outside.transcript))
        let unwritable = try compare([directory + "/golden.png", directory + "/golden.png", "--diff", directory + "/no/diff.png"])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("diff"), Comment(rawValue: unwritable.transcript))

        for bad in [["--threshold", "1.5"], ["--mask", "1,2,3"], ["--max-diff-ratio", "2"], ["--diff", "x.jpg"]] {
            let run = try compare([directory + "/golden.png", directory + "/golden.png"] + bad)
            #expect(run.status == 64 && run.stderr.contains(bad[0]), Comment(rawValue: run.transcript))
        }
    }

    @Test("--update rewrites the golden in its own format and exits 1 on purpose")
    func update() throws {
        defer { TestImages.remove(directory) }
        let actual = changed([(3, 3)], by: 50)
        try actual.writePNG(to: directory + "/actual.png")
        try golden.writePPM(to: directory + "/golden.ppm")
        let run = try compare([directory + "/actual.png", directory + "/golden.ppm", "--update"])
        #expect(run.status == 1, Comment(rawValue: run.transcript))
        #expect(run.stdout.contains("re-recorded golden") && run.stdout.contains("review")
                && run.stdout.contains("differed in 1 of 1536 pixels"), Comment(rawValue: run.transcript))
        #expect(try ImageFile.detectFormat(directory + "/golden.ppm") == .ppm)
        #expect(try RGBImage(contentsOfPPM: directory + "/golden.ppm") == actual)
        #expect(try compare([directory + "/actual.png", directory + "/golden.ppm"]).status == 0)
        // A new golden is created, as PNG by its name.
        let fresh = try compare([directory + "/actual.png", directory + "/new.png", "--update"])
        #expect(fresh.status == 1 && fresh.stdout.contains("there was no golden"), Comment(rawValue: fresh.transcript))
        #expect(try RGBImage(contentsOfPNG: directory + "/new.png") == actual)
        // An unreadable ACTUAL changes nothing.
        let broken = try compare([directory + "/missing.png", directory + "/new.png", "--update"])
        #expect(broken.status == 2 && broken.stderr.contains("missing.png"), Comment(rawValue: broken.transcript))
        #expect(try RGBImage(contentsOfPNG: directory + "/new.png") == actual)
    }

    @Test("--help explains the threshold, the exit statuses and gives an example")
    func help() throws {
        let run = try compare(["--help"])
        #expect(run.status == 0)
        for text in ["--threshold", "--max-diff-pixels", "--max-diff-ratio", "--mask", "--diff", "--update", "--json",
                     "Exit status", "Example", "over white"] {
            #expect(run.stdout.contains(text), "\(text) is in the help")
        }
    }
}
