import Scanout

/// The result of comparing an image with an expected (golden) one. Test support only: Seawall itself never
/// compares images (`expectGolden` does, and tools/lib/golden.py draws the same diff image for tools/test-drm).
public struct ImageComparison {
    /// The sizes differ; nothing else was compared.
    public var sizeMismatch: Bool
    /// Pixels where some channel differs by more than the tolerance.
    public var mismatchedPixels: Int
    /// Largest channel difference over all pixels (also those within tolerance).
    public var maxChannelDifference: Int
    /// The first mismatched pixel in row-major order.
    public var firstMismatch: (x: Int, y: Int)?
    /// Same size as the expected image: matching pixels as a dimmed grey of the expected pixel, mismatched
    /// pixels bright red (255, 0, 0). Empty (0×0) on a size mismatch.
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
    /// `tolerance`.
    public func compare(to expected: RGBImage, tolerance: Int = 0) -> ImageComparison {
        var result = ImageComparison(sizeMismatch: false, mismatchedPixels: 0, maxChannelDifference: 0,
                                     firstMismatch: nil, diff: RGBImage(width: 0, height: 0, bytes: []),
                                     tolerance: tolerance, actualSize: (width, height),
                                     expectedSize: (expected.width, expected.height))
        if width != expected.width || height != expected.height {
            result.sizeMismatch = true
            return result
        }
        var diff = [UInt8](repeating: 0, count: expected.bytes.count)
        var firstIndex: Int?
        bytes.withUnsafeBufferPointer { got in
            expected.bytes.withUnsafeBufferPointer { want in
                for pixel in 0..<(width * height) {
                    let i = pixel * 3
                    let dr = abs(Int(got[i]) - Int(want[i]))
                    let dg = abs(Int(got[i + 1]) - Int(want[i + 1]))
                    let db = abs(Int(got[i + 2]) - Int(want[i + 2]))
                    let worst = max(dr, dg, db)
                    result.maxChannelDifference = max(result.maxChannelDifference, worst)
                    if worst > tolerance {
                        result.mismatchedPixels += 1
                        if firstIndex == nil { firstIndex = pixel }
                        diff[i] = 255; diff[i + 1] = 0; diff[i + 2] = 0
                    } else {
                        // Luma (BT.601 weights, /256), dimmed to a third so red stands out.
                        let luma = (77 * Int(want[i]) + 150 * Int(want[i + 1]) + 29 * Int(want[i + 2])) >> 8
                        let grey = UInt8(luma / 3)
                        diff[i] = grey; diff[i + 1] = grey; diff[i + 2] = grey
                    }
                }
            }
        }
        if let firstIndex { result.firstMismatch = (firstIndex % width, firstIndex / width) }
        result.diff = RGBImage(width: width, height: height, bytes: diff)
        return result
    }
}
