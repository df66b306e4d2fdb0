import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// One real app under the real `seawall run`, driven from the test through the real `seawall ctl`: what a
/// GUI test in CI does (docs/TESTING-APPS.md), with the app environment of `RealAppTests` (fixed fonts and
/// settings, private directories, no session bus).
///
/// COMMAND prints `$SEAWALL_CTL` and waits for the app, so `seawall run` lives exactly as long as the app;
/// `stop()` ends both (SIGTERM to `seawall run`, which passes it to COMMAND's process group). The app's
/// output goes to `app.log` in the session's directory (/tmp/apps-NAME.XXXXXX), which is removed unless
/// SEAWALL_KEEP_APP_SHOTS=1 (then it also keeps every screenshot taken).
final class AppSession {
    let name: String
    let directory: String
    let run: ChildProcess
    let ctlSocket: String
    /// The Wayland socket's absolute path (what WAYLAND_DISPLAY names, in seawall run's runtime directory).
    let waylandSocket: String
    private var shots = 0

    /// A rectangle in output pixels: `x`, `y` its top-left corner (inclusive), `width`, `height`.
    struct Rect: CustomStringConvertible {
        var x: Int, y: Int, width: Int, height: Int
        init(_ x: Int, _ y: Int, _ width: Int, _ height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
        func contains(_ px: Int, _ py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height }
        var description: String { "\(x),\(y) \(width)x\(height)" }
        /// For `seawall ctl screenshot --region`.
        var region: String { "\(x),\(y),\(width),\(height)" }
    }

    /// `size` is `--size`; nil leaves it out (for `--output` in `options`).
    init(_ name: String, app: String, size: String?, options: [String] = [], environment extra: [String: String?] = [:]) throws {
        self.name = name
        directory = try TestFiles.makeRuntimeDirectory(prefix: "apps-\(name)")
        for sub in ["home", "cache", "data", "state"] { mkdir(directory + "/" + sub, 0o700) }
        var environment = RealAppTests.environment(directory)
        for (key, value) in extra { environment[key] = value }
        // $0 is the session's directory.
        let script = """
            case $WAYLAND_DISPLAY in /*) echo "wayland socket: $WAYLAND_DISPLAY" ;; *) echo "wayland socket: $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" ;; esac
            echo "control socket: $SEAWALL_CTL"
            \(app) >"$0/app.log" 2>&1 &
            wait $!
            """
        run = try ChildProcess(executable: RealAppTests.seawall, arguments: [
            "run", "--clock", "virtual"] + (size.map { ["--size", $0] } ?? []) + options + ["--", "/bin/sh", "-c", script, directory],
            environment: environment)
        guard run.wait(seconds: 60, until: { $0.stdout.contains("control socket: /") && $0.stdout.hasSuffix("\n") }),
              let line = run.stdout.split(separator: "\n").first(where: { $0.hasPrefix("control socket: ") }),
              let socketLine = run.stdout.split(separator: "\n").first(where: { $0.hasPrefix("wayland socket: /") }) else {
            throw ChildProcess.SpawnError(description: "seawall run did not start COMMAND\n\(run.transcript)")
        }
        ctlSocket = String(line.dropFirst("control socket: ".count))
        waylandSocket = String(socketLine.dropFirst("wayland socket: ".count))
    }

    /// What the app wrote to stdout and stderr so far.
    var appLog: String { String(decoding: TestFiles.read(directory + "/app.log") ?? [], as: UTF8.self) }

    /// Runs `seawall ctl ARGUMENTS` to its end; a failure (any exit status but 0) is recorded unless `check` is false.
    @discardableResult
    func ctl(_ arguments: [String], check: Bool = true, seconds: Double = 60,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> ChildProcess {
        let child = try ChildProcess(executable: RealAppTests.seawall, arguments: ["ctl"] + arguments,
                                     environment: ["SEAWALL_CTL": ctlSocket])
        let finished = child.wait(seconds: seconds)
        if !finished { child.terminate() }
        if check {
            #expect(finished && child.exitStatus == 0,
                    Comment(rawValue: "seawall ctl \(arguments.joined(separator: " ")) failed\n\(child.transcript)\n--- seawall run\n\(run.transcript)\n--- app.log\n\(appLog)"),
                    sourceLocation: sourceLocation)
        }
        return child
    }

    /// Runs `executable ARGUMENTS` as a client of the session's Seawall (WAYLAND_DISPLAY set to its socket) to
    /// its end; a failure (any exit status but 0) is recorded.
    @discardableResult
    func client(_ executable: String, _ arguments: [String], seconds: Double = 60,
                sourceLocation: SourceLocation = #_sourceLocation) throws -> ChildProcess {
        let child = try ChildProcess(executable: executable, arguments: arguments,
                                     environment: ["WAYLAND_DISPLAY": waylandSocket, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        let finished = child.wait(seconds: seconds)
        if !finished { child.terminate() }
        #expect(finished && child.exitStatus == 0,
                Comment(rawValue: "\(executable) \(arguments.joined(separator: " ")) failed\n\(child.transcript)\n--- seawall run\n\(run.transcript)\n--- app.log\n\(appLog)"),
                sourceLocation: sourceLocation)
        return child
    }

    /// Waits for the window `match` (app_id or title) to be mapped.
    func waitWindow(_ match: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let wait = try ctl(["wait", "window", match, "--timeout", "150"], seconds: 160, sourceLocation: sourceLocation)
        try #require(wait.exitStatus == 0, "the window \(match) never appeared", sourceLocation: sourceLocation)
    }

    /// `seawall ctl pointer move X Y` then `click BUTTON` (output coordinates).
    func click(_ x: Int, _ y: Int, button: String = "left", sourceLocation: SourceLocation = #_sourceLocation) throws {
        try ctl(["pointer", "move", "\(x)", "\(y)"], sourceLocation: sourceLocation)
        try ctl(["click", button], sourceLocation: sourceLocation)
    }

    /// Types `text` into the focused window with `seawall ctl type TEXT` (newline as Return).
    func type(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try ctl(["type", text], sourceLocation: sourceLocation)
    }

    /// Types ASCII `text` into the focused window the other way, as `seawall ctl key` combos of Seawall's US
    /// keymap (one keysym per character; `key` adds Shift where the keymap needs it).
    func typeWithKeyCombos(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let combos = try text.map { character throws -> String in
            guard let name = Self.keysymNames[character] ?? (character.isASCII && (character.isLetter || character.isNumber) ? String(character) : nil) else {
                throw ChildProcess.SpawnError(description: "AppSession.type: no keysym name for \(character)")
            }
            return name
        }
        try ctl(["key"] + combos, sourceLocation: sourceLocation)
    }

    static let keysymNames: [Character: String] = [
        " ": "space", "-": "minus", "$": "dollar", "(": "parenleft", ")": "parenright", "*": "asterisk",
        "+": "plus", "=": "equal", ".": "period", ",": "comma", "/": "slash", "'": "apostrophe", "\"": "quotedbl",
        ":": "colon", ";": "semicolon", "_": "underscore", "!": "exclam", "?": "question", "#": "numbersign",
        "\n": "Return",
    ]

    /// The output (or `region` of it; or of the output named `output`) now, as `seawall ctl screenshot` writes it
    /// (a PPM in the session's directory). With several outputs and no `output`, every output laid out.
    func screenshot(_ label: String, region: Rect? = nil, output: String? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> RGBImage {
        shots += 1
        let path = directory + "/\(shots)-\(label).ppm"
        let shot = try ctl(["screenshot", path] + (region.map { ["--region", $0.region] } ?? []) + (output.map { ["--output", $0] } ?? []),
                           sourceLocation: sourceLocation)
        try #require(shot.exitStatus == 0, sourceLocation: sourceLocation)
        return try RGBImage(contentsOfPPM: path)
    }

    /// A screenshot taken once the picture has changed from `previous` outside `masks` (if given) and then
    /// stayed the same outside `masks` for two screenshots in a row `interval` seconds apart — for apps that
    /// never settle as a whole (gtk4-widget-factory's pulsing bar), where `wait settled` cannot be used.
    /// `input wait` first, so the app has read the events.
    ///
    /// With `until`, a still picture counts only if `until` holds for it too (the result the input should
    /// have, like a text OCR reads): an app slowed down by a loaded machine may stand still for a moment
    /// half-way (three of ten keys drawn). After `timeout` seconds that is a failure, and the last
    /// screenshot is returned for the caller's assertions to say what is wrong with it.
    func stableScreenshot(_ label: String, changedFrom previous: RGBImage? = nil, masks: [Rect] = [],
                          until accept: ((RGBImage) throws -> Bool)? = nil,
                          interval: Double = 0.3, timeout: Double = 60,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> RGBImage {
        try ctl(["input", "wait"], sourceLocation: sourceLocation)
        let deadline = monotonicSeconds() + timeout
        var last = try screenshot(label, sourceLocation: sourceLocation)
        var changed = previous.map { !Self.differingPixels(last, $0, masks: masks).isEmpty } ?? true
        while monotonicSeconds() < deadline {
            usleep(UInt32(interval * 1_000_000))
            let next = try screenshot(label, sourceLocation: sourceLocation)
            let moved = !Self.differingPixels(next, last, masks: masks).isEmpty
            if !changed { changed = previous.map { !Self.differingPixels(next, $0, masks: masks).isEmpty } ?? true }
            if changed && !moved, try accept?(next) ?? true { return next }
            last = next
        }
        Issue.record("\(name): the screenshot \(previous == nil ? "never stood still" : "never changed and then stood still")\(accept == nil ? "" : " showing what was expected") within \(timeout) s (outside \(masks)); the checks below look at the last one",
                     sourceLocation: sourceLocation)
        return last
    }

    /// Screenshots every 0.1 s until `condition` holds for one (recorded as a failure after `timeout` s).
    func screenshot(_ label: String, until condition: (RGBImage) -> Bool, timeout: Double = 60, output: String? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> RGBImage {
        let deadline = monotonicSeconds() + timeout
        while true {
            let shot = try screenshot(label, output: output, sourceLocation: sourceLocation)
            if condition(shot) { return shot }
            guard monotonicSeconds() < deadline else {
                Issue.record("\(name): no screenshot showed \(label) within \(timeout) s", sourceLocation: sourceLocation)
                return shot
            }
            usleep(100_000)
        }
    }

    /// How many different colours the pixels of `rect` have: 1 for a blank cell or a block cursor, many for
    /// an antialiased glyph.
    static func colourCount(_ image: RGBImage, in rect: Rect) -> Int {
        var seen = Set<Int>()
        for y in rect.y..<(rect.y + rect.height) {
            for x in rect.x..<(rect.x + rect.width) {
                let i = (y * image.width + x) * 3
                seen.insert(Int(image.bytes[i]) << 16 | Int(image.bytes[i + 1]) << 8 | Int(image.bytes[i + 2]))
            }
        }
        return seen.count
    }

    /// The pixels (x, y) where `a` and `b` differ, outside `masks`.
    static func differingPixels(_ a: RGBImage, _ b: RGBImage, masks: [Rect] = []) -> [(x: Int, y: Int)] {
        precondition(a.width == b.width && a.height == b.height, "differingPixels: sizes differ")
        var found: [(x: Int, y: Int)] = []
        a.bytes.withUnsafeBufferPointer { pa in
            b.bytes.withUnsafeBufferPointer { pb in
                for y in 0..<a.height {
                    for x in 0..<a.width {
                        let i = (y * a.width + x) * 3
                        if pa[i] != pb[i] || pa[i + 1] != pb[i + 1] || pa[i + 2] != pb[i + 2],
                           !masks.contains(where: { $0.contains(x, y) }) {
                            found.append((x, y))
                        }
                    }
                }
            }
        }
        return found
    }

    /// The bounding box of `pixels`, or nil for none.
    static func boundingBox(_ pixels: [(x: Int, y: Int)]) -> Rect? {
        guard let first = pixels.first else { return nil }
        var x0 = first.x, x1 = first.x, y0 = first.y, y1 = first.y
        for p in pixels { x0 = min(x0, p.x); x1 = max(x1, p.x); y0 = min(y0, p.y); y1 = max(y1, p.y) }
        return Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1)
    }

    /// Expects every pixel that differs between `before` and `after` (outside `masks`) to lie inside one of
    /// `allowed`, and each of `changed` to hold at least one differing pixel.
    static func expectDifference(_ before: RGBImage, _ after: RGBImage, onlyIn allowed: [Rect], changed: [Rect],
                                 masks: [Rect] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let pixels = differingPixels(before, after, masks: masks)
        let stray = pixels.filter { p in !allowed.contains(where: { $0.contains(p.x, p.y) }) }
        // Counts, not the arrays: a failed #expect prints its operands' values.
        let strayCount = stray.count
        #expect(strayCount == 0, "\(stray.count) of \(pixels.count) differing pixels lie outside \(allowed), within \(boundingBox(stray).map(String.init(describing:)) ?? "-")",
                sourceLocation: sourceLocation)
        for rect in changed {
            let inside = pixels.filter { rect.contains($0.x, $0.y) }.count
            #expect(inside > 0, "nothing changed in \(rect) (\(pixels.count) differing pixels, within \(boundingBox(pixels).map(String.init(describing:)) ?? "-"))",
                    sourceLocation: sourceLocation)
        }
    }

    /// The text tesseract (Debian's tesseract-ocr, one thread) reads in `region` of `image`, enlarged
    /// `scale` times (nearest neighbour) if asked. `--psm 6`: one uniform block of text, lines in order.
    /// Measured on foot's 16-pixel DejaVu Sans Mono: at scale 1 tesseract reads `seawall-42` exactly; enlarged
    /// 2, 3 or 4 times it read `seawall -42` (a space before the dash), `Seawall -42` or `5((6*7) )`.
    func ocr(_ image: RGBImage, region: Rect, scale: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        var bytes = [UInt8](repeating: 0, count: region.width * scale * region.height * scale * 3)
        for y in 0..<(region.height * scale) {
            for x in 0..<(region.width * scale) {
                let source = ((region.y + y / scale) * image.width + region.x + x / scale) * 3
                let target = (y * region.width * scale + x) * 3
                bytes[target] = image.bytes[source]; bytes[target + 1] = image.bytes[source + 1]; bytes[target + 2] = image.bytes[source + 2]
            }
        }
        shots += 1
        let path = directory + "/\(shots)-ocr.png"
        try RGBImage(width: region.width * scale, height: region.height * scale, bytes: bytes).writePNG(to: path)
        let tesseract = try ChildProcess(executable: "/usr/bin/tesseract", arguments: [path, "stdout", "--psm", "6"],
                                         environment: ["OMP_THREAD_LIMIT": "1"])
        #expect(tesseract.wait(seconds: 60) && tesseract.exitStatus == 0, Comment(rawValue: tesseract.transcript),
                sourceLocation: sourceLocation)
        return tesseract.stdout
    }

    /// Ends the app and `seawall run`; removes the directory unless SEAWALL_KEEP_APP_SHOTS is set.
    func stop() {
        run.terminate()
        if getenv("SEAWALL_KEEP_APP_SHOTS") == nil { try? TestFiles.remove(directory) }
    }
}
