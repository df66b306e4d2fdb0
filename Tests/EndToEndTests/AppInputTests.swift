import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// Real apps under the real `seawall run`, clicked, typed into and tapped through the real `seawall ctl`
/// (`AppSession`), each checked by what a person would see: the text a terminal printed (read back with
/// tesseract), the widgets that changed and nothing else, a context menu that opens and closes.
///
/// How each result is checked, and why:
/// - Terminals (foot, weston-terminal): OCR of the terminal's text area, at its size (enlarging it made
///   tesseract read `seawall -42`, see `AppSession.ocr`). The assertion is the
///   text itself (`seawall-42` on a line of its own, after the command line), so a failure says what the
///   terminal shows, and nothing about font rasterization is pinned that the golden tests already pin.
///   tesseract is deterministic for the same image, and the screenshots were identical run to run.
/// - gtk4-widget-factory (cairo renderer): screenshots before and after, compared pixel by pixel outside its
///   pulsing progress bar: every differing pixel must lie inside the rectangles of the widgets the input
///   meant (and of the widget that lost the keyboard focus, whose focus frame goes), and each widget acted on
///   must have changed. The rectangles were measured once from a screenshot (fixed fonts, size, placement).
@Suite(.serialized)
struct AppInputTests {
    static let tesseract = "/usr/bin/tesseract"

    /// The lines of `text` with surrounding blanks removed, empty lines left out.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }

    /// Types `echo seawall-$((6*7))` and Return into a terminal running /bin/sh with the prompt `$ `, and
    /// expects the line `seawall-42` right after the command's line in the OCR of `textArea`.
    static func expectShellArithmetic(_ session: AppSession, textArea: AppSession.Rect,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws -> RGBImage {
        let before = try session.stableScreenshot("prompt", sourceLocation: sourceLocation)
        try session.type("echo seawall-$((6*7))\n", sourceLocation: sourceLocation)
        let after = try session.stableScreenshot("typed", changedFrom: before, sourceLocation: sourceLocation)
        let text = try session.ocr(after, region: textArea, sourceLocation: sourceLocation)
        let read = lines(text)
        let command = read.firstIndex { $0.contains("echo seawall-") }
        #expect(command != nil && read.indices.contains(command! + 1) && read[command! + 1] == "seawall-42",
                "the terminal does not show seawall-42 on the line after the command; OCR read:\n\(text)",
                sourceLocation: sourceLocation)
        return after
    }

    @Test("foot: `echo seawall-$((6*7))` typed with seawall ctl key; the terminal shows seawall-42 on its own line (OCR)")
    func footTyping() throws {
        try RealAppTests.require(["/usr/bin/foot", Self.tesseract, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
                                 packages: "foot, tesseract-ocr and fonts-dejavu-core")
        let session = try AppSession("foot-input", app: "foot --app-id seawall-foot env PS1='$ ' /bin/sh", size: "640x240")
        defer { session.stop() }
        try session.waitWindow("seawall-foot")
        // foot's 480x160 window at 32,6 (Apps/config/foot/foot.ini): its title bar, then the text.
        _ = try Self.expectShellArithmetic(session, textArea: AppSession.Rect(32, 32, 480, 134))
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
