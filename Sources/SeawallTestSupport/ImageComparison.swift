import ImageCompare
import Scanout

/// The result of comparing an image with an expected (golden) one, as Seawall's own golden tests judge it:
/// a per-channel tolerance (`expectGolden`). The counting and the diff image are ImageCompare's, which
/// `seawall compare` uses too; tools/lib/golden.py draws the same diff image for tools/test-drm.
public struct ImageComparison {
    /// The sizes differ; nothing else was compared.
    public var sizeMismatch: Bool
    /// Pixels where some channel differs by more than the tolerance.
    public var mismatchedPixels: Int
    /// Largest channel difference over all pixels (also those within tolerance).
    public var maxChannelDifference: Int
    /// The first mismatched pixel in row-major order.
    public var firstMismatch: (x: Int, y: Int)?
    /// Same size as the expected image: matching pixels as a dimmed grey of the actual pixel (equal to the
    /// expected one when the comparison is exact), mismatched pixels bright red (255, 0, 0). Empty (0×0) on a
    /// size mismatch.
    public var diff: RGBImage
    /// The tolerance the comparison used.
    public var tolerance: Int
    /// Sizes of the two images, for the summary.
    public var actualSize: (width: Int, height: Int)
    public var expectedSize: (width: Int, height: Int)

    public var matches: Bool { !sizeMismatch && mismatchedPixels == 0 }

    /// One line a person understands.
    public var summary: String {
        if sizeMismatch {
            return "size mismatch: image is \(actualSize.width)x\(actualSize.height), expected \(expectedSize.width)x\(expectedSize.height)"
        }
        let total = expectedSize.width * expectedSize.height
        if mismatchedPixels == 0 {
            return "images match (\(total) pixels, max channel difference \(maxChannelDifference), tolerance \(tolerance))"
        }
        let first = firstMismatch.map { " first at (\($0.x), \($0.y));" } ?? ""
        return "\(mismatchedPixels) of \(total) pixels differ by more than \(tolerance);\(first) max channel difference \(maxChannelDifference)"
    }
}

extension RGBImage {
    /// Compares pixel by pixel: a pixel mismatches when any channel differs from `expected` by more than
    /// `tolerance` (ImageCompare's `.channel` metric, which also draws the diff image).
    public func compare(to expected: RGBImage, tolerance: Int = 0) -> ImageComparison {
        var result = ImageComparison(sizeMismatch: false, mismatchedPixels: 0, maxChannelDifference: 0,
                                     firstMismatch: nil, diff: RGBImage(width: 0, height: 0, bytes: []),
                                     tolerance: tolerance, actualSize: (width, height),
                                     expectedSize: (expected.width, expected.height))
        do {
            let difference = try compareImages(self, expected, metric: .channel(tolerance: tolerance), drawDiff: true)
            result.mismatchedPixels = difference.differing
            result.maxChannelDifference = difference.maxChannelDifference
            result.firstMismatch = difference.firstDifference
            if let diff = difference.diff { result.diff = diff }
        } catch {
            result.sizeMismatch = true   // the only error without masks
        }
        return result
    }
}
