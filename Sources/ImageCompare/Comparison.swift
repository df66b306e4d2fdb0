import Scanout

/// A rectangle of pixels left out of a comparison: `--mask X,Y,W,H`.
public struct Mask: Equatable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// "X,Y,W,H": four integers, W and H positive, X and Y may be negative (the mask is clipped to the image);
    /// each within ±2^30 so that sums cannot overflow. Nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let numbers = parts.compactMap { Int($0.trimmingSpaces) }
        guard numbers.count == 4, numbers.allSatisfy({ abs($0) <= 1 << 30 }), numbers[2] > 0, numbers[3] > 0 else { return nil }
        self.init(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }

    public var description: String { "\(x),\(y),\(width),\(height)" }

    /// The part inside a `width`×`height` image, or nil when none of it is.
    public func clipped(toWidth imageWidth: Int, height imageHeight: Int) -> Mask? {
        let left = max(x, 0), top = max(y, 0)
        let right = min(x + width, imageWidth), bottom = min(y + height, imageHeight)
        guard left < right, top < bottom else { return nil }
        return Mask(x: left, y: top, width: right - left, height: bottom - top)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

/// When two pixels count as different.
public enum PixelMetric: Equatable, Sendable {
    /// `PixelDistance.distance` > threshold (0…1): 0 is exact, 1 accepts anything (pixelmatch's and
    /// Playwright's `threshold`).
    case perceptual(threshold: Double)
    /// Some channel differs by more than `tolerance` (0…255): what Seawall's own golden tests use.
    case channel(tolerance: Int)
}

/// How many differing pixels still pass: `--max-diff-pixels` and `--max-diff-ratio`. With neither, none
/// may differ; with one or both, each given limit must hold (so both together mean the stricter one).
public struct ComparisonLimits: Equatable, Sendable {
    public var maxDiffPixels: Int?
    public var maxDiffRatio: Double?

    public init(maxDiffPixels: Int? = nil, maxDiffRatio: Double? = nil) {
        self.maxDiffPixels = maxDiffPixels; self.maxDiffRatio = maxDiffRatio
    }

    public func allow(_ result: ImageDifference) -> Bool {
        if maxDiffPixels == nil && maxDiffRatio == nil { return result.differing == 0 }
        if let maxDiffPixels, result.differing > maxDiffPixels { return false }
        if let maxDiffRatio, result.ratio > maxDiffRatio { return false }
        return true
    }
}

/// A comparison that could not be made.
public enum ComparisonError: Error, Equatable, CustomStringConvertible {
    case sizeMismatch(actual: (width: Int, height: Int), expected: (width: Int, height: Int))
    case maskOutside(Mask, width: Int, height: Int)

    public var description: String {
        switch self {
        case let .sizeMismatch(actual, expected):
            return "the sizes differ: actual \(actual.width)x\(actual.height), golden \(expected.width)x\(expected.height)"
        case let .maskOutside(mask, width, height):
            return "mask \(mask) lies entirely outside the \(width)x\(height) image"
        }
    }

    public static func == (a: ComparisonError, b: ComparisonError) -> Bool { a.description == b.description }
}

/// What differs between two images of the same size.
public struct ImageDifference {
    public typealias RGB = (r: UInt8, g: UInt8, b: UInt8)

    public var width: Int, height: Int
    /// Pixels inside some mask (never compared, never counted as differing).
    public var masked = 0
    /// Pixels that differ under the metric.
    public var differing = 0
    /// The first differing pixel in row-major order.
    public var firstDifference: (x: Int, y: Int)?
    /// The unmasked pixel with the largest perceptual distance (the first such in row-major order), also
    /// when it is within the threshold; nil when every compared pixel is equal.
    public var largest: (x: Int, y: Int, distance: Double, actual: RGB, expected: RGB)?
    /// The largest channel difference over the unmasked pixels.
    public var maxChannelDifference = 0
    /// Same size as the images, when asked for: differing pixels bright red (255, 0, 0), masked pixels a
    /// dimmed blue (grey, grey, grey + 96), the rest a dimmed grey of the actual pixel (a third of its BT.601
    /// luma), so that red stands out.
    public var diff: RGBImage?

    public var pixels: Int { width * height }
    /// Pixels compared: all but the masked ones.
    public var compared: Int { pixels - masked }
    /// differing / compared (0 when nothing was compared).
    public var ratio: Double { compared == 0 ? 0 : Double(differing) / Double(compared) }
}

/// Compares `actual` with `expected` pixel by pixel under `metric`, leaving out `masks` (clipped to the
/// image; a mask wholly outside it is an error, since it can only be a mistake).
public func compareImages(_ actual: RGBImage, _ expected: RGBImage, metric: PixelMetric, masks: [Mask] = [],
                          drawDiff: Bool = false) throws(ComparisonError) -> ImageDifference {
    let width = expected.width, height = expected.height
    if actual.width != width || actual.height != height {
        throw .sizeMismatch(actual: (actual.width, actual.height), expected: (width, height))
    }
    var isMasked: [Bool] = []
    if !masks.isEmpty {
        isMasked = [Bool](repeating: false, count: width * height)
        for mask in masks {
            guard let clip = mask.clipped(toWidth: width, height: height) else {
                throw .maskOutside(mask, width: width, height: height)
            }
            for y in clip.y..<(clip.y + clip.height) {
                for x in clip.x..<(clip.x + clip.width) { isMasked[y * width + x] = true }
            }
        }
    }
    // Squared distances are compared, not their roots: distance > T ⇔ ΔE > T²·maxSquared.
    let limitSquared: Double
    let tolerance: Int
    switch metric {
    case .perceptual(let threshold):
        limitSquared = max(0, threshold) * max(0, threshold) * PixelDistance.maxSquared
        tolerance = -1
    case .channel(let value):
        limitSquared = -1
        tolerance = value
    }

    var result = ImageDifference(width: width, height: height)
    var diff = drawDiff ? [UInt8](repeating: 0, count: width * height * 3) : []
    var largestSquared = 0.0
    actual.bytes.withUnsafeBufferPointer { got in
        expected.bytes.withUnsafeBufferPointer { want in
            for pixel in 0..<(width * height) {
                let i = pixel * 3
                let masked = !isMasked.isEmpty && isMasked[pixel]
                var differs = false
                if masked {
                    result.masked += 1
                } else if got[i] != want[i] || got[i + 1] != want[i + 1] || got[i + 2] != want[i + 2] {
                    let dr = Int(got[i]) - Int(want[i]), dg = Int(got[i + 1]) - Int(want[i + 1])
                    let db = Int(got[i + 2]) - Int(want[i + 2])
                    let worst = max(abs(dr), abs(dg), abs(db))
                    result.maxChannelDifference = max(result.maxChannelDifference, worst)
                    let squared = PixelDistance.squared(dr, dg, db)
                    differs = tolerance >= 0 ? worst > tolerance : squared > limitSquared
                    if squared > largestSquared {
                        largestSquared = squared
                        result.largest = (pixel % width, pixel / width,
                                          (squared / PixelDistance.maxSquared).squareRoot(),
                                          (got[i], got[i + 1], got[i + 2]), (want[i], want[i + 1], want[i + 2]))
                    }
                    if differs {
                        result.differing += 1
                        if result.firstDifference == nil { result.firstDifference = (pixel % width, pixel / width) }
                    }
                }
                if drawDiff {
                    if differs {
                        diff[i] = 255; diff[i + 1] = 0; diff[i + 2] = 0
                    } else {
                        let luma = (77 * Int(got[i]) + 150 * Int(got[i + 1]) + 29 * Int(got[i + 2])) >> 8
                        let grey = UInt8(luma / 3)
                        diff[i] = grey; diff[i + 1] = grey; diff[i + 2] = masked ? grey + 96 : grey
                    }
                }
            }
        }
    }
    if drawDiff { result.diff = RGBImage(width: width, height: height, bytes: diff) }
    return result
}
