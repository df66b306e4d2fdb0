import Glibc
import ImageCompare
import Scanout
import Testing

/// Compares `image` with Tests/EndToEndTests/Golden/NAME.png (every test target shares those goldens).
///
/// Exact unless `tolerance` (per channel) is given. On a mismatch the actual image and a diff image are
/// written (PPM and PNG) to .build/golden-failures/ and the failure names them. With RECORD_GOLDENS=1
/// the golden is rewritten instead — and the test fails anyway, so a re-recording is never silent.
/// (`tools/test-drm --record` does the same for the DRM scenarios' goldens, with tools/lib/golden.py.)
public func expectGolden(_ image: RGBImage, _ name: String, tolerance: Int = 0,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    // This file is Sources/SeawallTestSupport/Golden.swift: the package root is three levels up.
    let packageRoot = String(#filePath).components(droppingLast: 3)
    let goldenPath = packageRoot + "/Tests/EndToEndTests/Golden/\(name).png"
    let failures = packageRoot + "/.build/golden-failures"

    if let record = getenv("RECORD_GOLDENS"), String(cString: record) == "1" {
        do {
            try image.writePNG(to: goldenPath)
            let back = try RGBImage(contentsOfPNG: goldenPath)
            if back != image { Issue.record("\(goldenPath) does not read back as the frame", sourceLocation: sourceLocation) }
            Issue.record("re-recorded golden \(goldenPath) (RECORD_GOLDENS=1 always fails the run; commit the image with a reason)",
                         sourceLocation: sourceLocation)
        } catch {
            Issue.record("could not record \(goldenPath): \(error)", sourceLocation: sourceLocation)
        }
        return
    }

    mkdir(packageRoot + "/.build", 0o755)
    mkdir(failures, 0o755)
    let actualBase = failures + "/\(name).actual"
    let expected: RGBImage
    do {
        expected = try RGBImage(contentsOfPNG: goldenPath)
    } catch {
        try? image.writePPM(to: actualBase + ".ppm")
        try? image.writePNG(to: actualBase + ".png")
        Issue.record("no golden image \(goldenPath) (\(error)); the actual frame is in \(actualBase).png — record with RECORD_GOLDENS=1",
                     sourceLocation: sourceLocation)
        return
    }
    let comparison = image.compare(to: expected, tolerance: tolerance)
    if comparison.matches { return }
    let diffBase = failures + "/\(name).diff"
    try? image.writePPM(to: actualBase + ".ppm")
    try? image.writePNG(to: actualBase + ".png")
    if comparison.sizeMismatch {
        Issue.record("frame differs from golden \(name): \(comparison.summary); actual: \(actualBase).png",
                     sourceLocation: sourceLocation)
        return
    }
    try? comparison.diff.writePPM(to: diffBase + ".ppm")
    try? comparison.diff.writePNG(to: diffBase + ".png")
    Issue.record("frame differs from golden \(name): \(comparison.summary); actual: \(actualBase).png, diff: \(diffBase).png",
                 sourceLocation: sourceLocation)
}

extension String {
    /// The path without its last `count` components.
    func components(droppingLast count: Int) -> String {
        var path = Substring(self)
        for _ in 0..<count { path = path[..<(path.lastIndex(of: "/") ?? path.startIndex)] }
        return String(path)
    }
}
