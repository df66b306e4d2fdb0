// seawall compare: a screenshot against a golden image, for the tests of apps run under Seawall.
//
// The options are named like pixelmatch's and Playwright's `toHaveScreenshot` (threshold, max-diff-pixels,
// max-diff-ratio, masks, a diff image). Reading, comparing and drawing are ImageCompare's; this file turns
// the result into lines (or one JSON object) and an exit status: 0 match, 1 differ, 2 could not compare.
import ArgumentParser
import Control
import Glibc
import ImageCompare
import Scanout

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a screenshot with a golden image (PNG or PPM): exit 0 if they match, 1 if not, 2 on error.",
        discussion: """
            ACTUAL and GOLDEN may each be a PNG (RGB, RGBA, grey or palette, 8 or 16 bits, interlaced or not) \
            or a binary PPM (P6, maxval 255); the format is read from the file's first bytes. A pixel's alpha \
            is composed over white before comparing, as pixelmatch does. Images over 16384 pixels on a side \
            or 8192x8192 pixels in all are refused before their pixels are read.

            Two pixels differ when their colour distance exceeds --threshold. The distance is perceptual: the \
            difference of the two colours in the YIQ space (brightness and two chroma axes), weighted as \
            0.5053·ΔY² + 0.299·ΔI² + 0.1957·ΔQ², square-rooted and scaled so that the most different pair of \
            colours (red and cyan) is 1. 0 is exact (the default: Seawall's frames are deterministic), 0.1 is \
            pixelmatch's default, 0.2 Playwright's; a change of 1 in one channel is a distance of at most 0.0027.

            The images match when no pixel differs, or, with --max-diff-pixels or --max-diff-ratio, when the \
            differing pixels are within every limit given. The ratio is of the compared pixels: masked ones \
            are neither compared nor counted. A mask is clipped to the image; one wholly outside it is an error.

            Exit status: 0 match; 1 differ (the counts, the ratio and the largest difference with its position \
            are printed), or --update re-recorded GOLDEN; 2 the images could not be compared (a file missing, \
            unreadable, corrupt or unsupported, the sizes differ, a mask outside the image, the diff image not \
            written); 64 bad options. With --json an error is also one object, with "result": "error".

            --diff FILE (.png or .ppm) is written whenever the comparison ran: differing pixels bright red, \
            masked pixels dimmed blue, the rest a dimmed grey copy of ACTUAL.

            --update writes ACTUAL's pixels over GOLDEN (PNG or PPM by GOLDEN's extension, else by the format \
            of the file it replaces) and exits 1 on purpose, like RECORD_GOLDENS=1 for Seawall's own tests: \
            a re-recorded golden must be reviewed before it is committed.

            Example:
              seawall compare shot.png tests/golden/main-window.png --threshold 0.1 \\
                  --max-diff-pixels 20 --mask 0,0,1280,32 --diff /tmp/main-window.diff.png
              seawall compare shot.png tests/golden/main-window.png --update   # re-record
            """)

    @Argument(help: "The image to check: a screenshot (PNG or PPM).")
    var actual: String

    @Argument(help: "The golden image it should match (PNG or PPM).")
    var golden: String

    @Option(help: "Per-pixel colour distance above which two pixels differ, 0 (exact) … 1 (anything matches).")
    var threshold: Double = 0

    @Option(help: "Differing pixels allowed (0 unless --max-diff-ratio is given instead).")
    var maxDiffPixels: Int?

    @Option(help: "Differing pixels allowed, as a fraction 0 … 1 of the compared (unmasked) pixels.")
    var maxDiffRatio: Double?

    @Option(name: .customLong("mask"), help: ArgumentHelp(
        "A rectangle X,Y,W,H of pixels to leave out (repeatable), e.g. a clock or a cursor.", valueName: "x,y,w,h"))
    var masks: [Mask] = []

    @Option(help: ArgumentHelp("Write a diff image here (.png or .ppm).", valueName: "file"))
    var diff: String?

    @Flag(help: "Write ACTUAL over GOLDEN and exit 1 (re-record a golden; review it before committing).")
    var update = false

    @Flag(help: "Print one JSON object instead of lines (for scripts).")
    var json = false

    func validate() throws {
        if !(0...1).contains(threshold) { throw ValidationError("--threshold \(threshold) must be between 0 and 1") }
        if let maxDiffPixels, maxDiffPixels < 0 { throw ValidationError("--max-diff-pixels must be 0 or more") }
        if let maxDiffRatio, !(0...1).contains(maxDiffRatio) {
            throw ValidationError("--max-diff-ratio \(maxDiffRatio) must be between 0 and 1")
        }
        if let diff, ImageFormat(extensionOf: diff) == nil {
            throw ValidationError("--diff \(diff): name the diff image .png or .ppm")
        }
    }

    func run() throws {
        var report = Report(json: json)
        report["actual"] = .string(actual)
        report["golden"] = .string(golden)
        do {
            let status = update ? try record(&report) : try compare(&report)
            report.finish()
            if status != 0 { throw ExitCode(status) }
        } catch let error as CompareFailure {
            report["result"] = .string("error")
            report["error"] = .string(error.message)
            report.finish(error: error.message)
            throw ExitCode(2)
        }
    }

    /// An error that makes the comparison impossible (exit status 2).
    struct CompareFailure: Error { let message: String }

    private func read(_ path: String) throws(CompareFailure) -> RGBImage {
        do { return try ImageFile.read(path) } catch { throw CompareFailure(message: error.description) }
    }

    /// Compares, writes the diff image, reports; returns 0 or 1.
    private func compare(_ report: inout Report) throws(CompareFailure) -> Int32 {
        let actualImage = try read(actual)
        var goldenExists = stat()
        if stat(golden, &goldenExists) != 0 && errno == ENOENT {
            throw CompareFailure(message: "\(golden): no such golden image (record it from \(actual) with --update)")
        }
        let goldenImage = try read(golden)
        let difference: ImageDifference
        do {
            difference = try compareImages(actualImage, goldenImage, metric: .perceptual(threshold: threshold),
                                           masks: masks, drawDiff: diff != nil)
        } catch {
            throw CompareFailure(message: "cannot compare \(actual) with \(golden): \(error)")
        }
        let limits = ComparisonLimits(maxDiffPixels: maxDiffPixels, maxDiffRatio: maxDiffRatio)
        let matches = limits.allow(difference)
        if let diff, let image = difference.diff, let format = ImageFormat(extensionOf: diff) {
            do { try ImageFile.write(image, to: diff, as: format) } catch {
                throw CompareFailure(message: "cannot write the diff image: \(error)")
            }
        }
        report.describe(difference, threshold: threshold, limits: limits, masks: masks.count, diff: diff)
        report["result"] = .string(matches ? "match" : "differ")
        report.line((matches ? "\(actual) matches \(golden)" : "\(actual) differs from \(golden)")
                    + " (\(difference.width)x\(difference.height)): " + report.countsLine)
        report.appendDetailLines()
        return matches ? 0 : 1
    }

    /// --update: writes ACTUAL's pixels over GOLDEN, says what the old golden was; always returns 1.
    private func record(_ report: inout Report) throws(CompareFailure) -> Int32 {
        let actualImage = try read(actual)
        var previous = "there was no golden"
        var format = ImageFormat(extensionOf: golden)
        var existing = stat()
        if stat(golden, &existing) == 0 {
            if format == nil { format = try? ImageFile.detectFormat(golden) }
            if let old = try? ImageFile.read(golden) {
                if old.width != actualImage.width || old.height != actualImage.height {
                    previous = "the old golden was \(old.width)x\(old.height)"
                } else if let difference = try? compareImages(actualImage, old, metric: .perceptual(threshold: threshold),
                                                              masks: masks) {
                    previous = difference.differing == 0 ? "the old golden matched"
                        : "the old golden differed in \(difference.differing) of \(difference.compared) pixels"
                    report["previousDiffering"] = .number(Double(difference.differing))
                } else {
                    previous = "the old golden could not be compared with these masks"
                }
            } else {
                previous = "the old golden could not be read"
            }
        }
        guard let format else {
            throw CompareFailure(message: "\(golden): cannot tell whether to write PNG or PPM; name it .png or .ppm")
        }
        do {
            try ImageFile.write(actualImage, to: golden, as: format)
            guard try ImageFile.read(golden) == actualImage else {
                throw CompareFailure(message: "\(golden) was written but does not read back as \(actual)'s pixels")
            }
        } catch let error as CompareFailure {
            throw error
        } catch {
            throw CompareFailure(message: "cannot write the golden: \(error)")
        }
        report["result"] = .string("updated")
        report["format"] = .string(format.rawValue)
        report["width"] = .number(Double(actualImage.width))
        report["height"] = .number(Double(actualImage.height))
        report.line("re-recorded golden \(golden) from \(actual) (\(actualImage.width)x\(actualImage.height), "
                    + "\(format.rawValue.uppercased()); \(previous)); review it before committing — --update always exits 1")
        return 1
    }
}

extension Mask: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// What `seawall compare` prints: lines for people, or with --json one object on stdout at the end.
/// Errors also go to stderr as "seawall compare: error: …".
struct Report {
    let json: Bool
    private var fields: [(String, JSON)] = []
    private var lines: [String] = []
    private(set) var countsLine = ""
    private var details: [String] = []

    init(json: Bool) { self.json = json }

    subscript(key: String) -> JSON? {
        get { fields.first { $0.0 == key }?.1 }
        set {
            fields.removeAll { $0.0 == key }
            if let newValue { fields.append((key, newValue)) }
        }
    }

    mutating func line(_ text: String) { lines.append(text) }
    mutating func appendDetailLines() { lines += details }

    /// The counts, limits and largest difference, as fields and as lines.
    mutating func describe(_ d: ImageDifference, threshold: Double, limits: ComparisonLimits, masks: Int, diff: String?) {
        self["width"] = .number(Double(d.width))
        self["height"] = .number(Double(d.height))
        self["pixels"] = .number(Double(d.pixels))
        self["compared"] = .number(Double(d.compared))
        self["masked"] = .number(Double(d.masked))
        self["differing"] = .number(Double(d.differing))
        self["ratio"] = .number(d.ratio)
        self["threshold"] = .number(threshold)
        self["maxDiffPixels"] = limits.maxDiffPixels.map { .number(Double($0)) } ?? (limits.maxDiffRatio == nil ? .number(Double(0)) : .null)
        self["maxDiffRatio"] = limits.maxDiffRatio.map { .number($0) } ?? .null
        if let largest = d.largest {
            self["largest"] = .object([("distance", .number(largest.distance)), ("x", .number(Double(largest.x))), ("y", .number(Double(largest.y))),
                                       ("actual", .string(hexColour(largest.actual))), ("golden", .string(hexColour(largest.expected)))])
        } else {
            self["largest"] = .null
        }
        self["firstDifference"] = d.firstDifference.map { .object([("x", .number(Double($0.x))), ("y", .number(Double($0.y)))]) } ?? .null
        self["diff"] = diff.map { .string($0) } ?? .null

        var allowed: [String] = []
        if let n = limits.maxDiffPixels { allowed.append("\(n) allowed") }
        if let r = limits.maxDiffRatio { allowed.append("ratio \(significant(r)) allowed") }
        if allowed.isEmpty { allowed.append("0 allowed") }
        countsLine = "\(d.differing) of \(d.compared) compared pixels differ (ratio \(significant(d.ratio)); "
            + allowed.joined(separator: ", ") + ") at threshold \(significant(threshold))"
        if let largest = d.largest {
            details.append("largest difference \(decimal(largest.distance, places: 4)) at (\(largest.x), \(largest.y)): "
                           + "actual \(hexColour(largest.actual)), golden \(hexColour(largest.expected))")
        } else {
            details.append("every compared pixel is identical")
        }
        if let first = d.firstDifference { details.append("first differing pixel at (\(first.x), \(first.y))") }
        if masks > 0 { details.append("\(d.masked) pixels masked by \(masks) mask\(masks == 1 ? "" : "s")") }
        if let diff { details.append("diff image: \(diff) (differing pixels red, masked pixels blue, the rest ACTUAL in dimmed grey)") }
    }

    /// Prints: the lines to stdout, or the JSON object; an error also to stderr.
    func finish(error: String? = nil) {
        if let error {
            let line = "seawall compare: error: \(error)\n"
            _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        }
        if json {
            // "result" first: match, differ, updated or error.
            let ordered = fields.filter { $0.0 == "result" } + fields.filter { $0.0 != "result" }
            print(JSON.object(ordered).text)
        } else {
            for line in lines { print(line) }
        }
    }
}


/// "#rrggbb".
func hexColour(_ c: (r: UInt8, g: UInt8, b: UInt8)) -> String {
    "#" + [c.r, c.g, c.b].map { let s = String($0, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
}

/// `x` (≥ 0) with three significant digits but at least six decimals' worth, so that one pixel in millions
/// is not printed as 0: 0.000105, 0.000000482, 0.25.
func significant(_ x: Double) -> String {
    guard x > 0, x.isFinite else { return decimal(x, places: 6) }
    let places = min(12, max(6, 2 - Int(log10(x).rounded(.down))))
    return decimal(x, places: places)
}

/// `x` (≥ 0) with at most `places` decimals, trailing zeros dropped: 0.000039, 0.1, 3.
func decimal(_ x: Double, places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (x * scale).rounded()
    guard scaled.isFinite, scaled < 9e15 else { return String(x) }
    let units = Int(scaled)
    let whole = units / Int(scale), fraction = units % Int(scale)
    if fraction == 0 { return String(whole) }
    var digits = String(fraction)
    digits = String(repeating: "0", count: places - digits.count) + digits
    while digits.last == "0" { digits.removeLast() }
    return "\(whole).\(digits)"
}
