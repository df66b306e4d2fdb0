import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// Real apps under the real `seawall run`, clicked, typed into and tapped through the real `seawall ctl`
/// (`AppSession`), each checked by what a person would see: the text a terminal printed (read back with
/// tesseract), the widgets that changed and nothing else, a context menu that opens and closes.
///
/// Text is typed with `seawall ctl type` (`AppSession.type`), except into weston-terminal, which gets the
/// same text as `seawall ctl key` combos (`AppSession.typeWithKeyCombos`) so both paths stay covered, and
/// foot under `--allow-virtual-input`, which gets it from wtype (the virtual keyboard protocol).
///
/// How each result is checked, and why:
/// - Terminals (foot, weston-terminal): OCR of the terminal's text area, at its size (enlarging it made
///   tesseract read `seawall -42`, see `AppSession.ocr`), not a golden. The assertion is the text itself
///   (`seawall-42` on a line of its own, after the command line), so a failure says what the terminal shows,
///   and no font rasterization is pinned beyond what RealAppTests' goldens already pin. tesseract gives the
///   same text for the same image, and the screenshots were identical run to run. A wtyped é is checked by
///   the shell (`test é = "$(printf '\303\251')" && echo eacute-arrived`), as OCR misread the bytes od
///   printed.
/// - gtk4-widget-factory (cairo renderer): screenshots before and after, compared pixel by pixel outside its
///   pulsing progress bar: every differing pixel must lie inside the rectangles of the widgets the input
///   meant (and of the widget that lost the keyboard focus, whose focus frame goes), and each widget acted on
///   must have changed. The rectangles were measured once from a screenshot (fixed fonts, size, placement).
/// - Qt 5 (qtbase5-examples): the calculator's display reads `42` (OCR), pixels changed only inside its
///   window; the lineedits example's line edit reads `seawall-42`, pixels changed only in it and in the
///   widget Tab moved the focus to.
/// - X11 (xev under `seawall run --xwayland`): xev's own report of the KeyPress events, their keysyms and
///   modifier states (`shift+b`, `ctrl+a`, and `type Hi!`). ASCII only: characters `seawall ctl type` adds
///   to the keymap reach an X client as NoSymbol (docs/TESTING-APPS.md, "X11 apps").
///
/// Run to run: each app's screenshots after the input were identical in 6 to 10 runs (foot, weston-terminal,
/// both Qt apps: exactly; gtk4-widget-factory: outside its pulsing progress bar, where 30 to 544 pixels
/// differed). Checked again after `type` replaced the key combos and wtype joined (3 runs, every labelled
/// screenshot of each test, the last of its label, compared exactly): all identical, gtk4-widget-factory's
/// outside the bar (0 to 86 pixels differed in it); foot's screenshot after `seawall ctl type` and after
/// wtype were identical too. xev's test has no screenshot: its KeyPress lines were the same in every run.
/// The waits are for the expected picture (`stableScreenshot(until:)`), not for time.
@Suite(.serialized)
struct AppInputTests {
    static let tesseract = "/usr/bin/tesseract"

    /// The lines of `text` with surrounding blanks removed, empty lines left out.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }

    /// Whether `a` and `b` differ anywhere inside `rect`.
    static func changed(_ a: RGBImage, _ b: RGBImage, in rect: AppSession.Rect) -> Bool {
        for y in rect.y..<(rect.y + rect.height) {
            for x in rect.x..<(rect.x + rect.width) where a.pixel(x: x, y: y) != b.pixel(x: x, y: y) { return true }
        }
        return false
    }

    /// Types `echo seawall-$((6*7))` and Return into a terminal running /bin/sh with the prompt `$ ` (with
    /// `typing`, given the text: `AppSession.type` unless told otherwise), and expects the line `seawall-42`
    /// right after the command's line in the OCR of `textArea`.
    ///
    /// It types only once the prompt's `$` is drawn in `promptCell` (the first character cell): keys typed
    /// before the shell has printed its prompt would be echoed by the terminal device ahead of it.
    static func expectShellArithmetic(_ session: AppSession, textArea: AppSession.Rect, promptCell: AppSession.Rect,
                                      typing: ((String) throws -> Void)? = nil,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try session.screenshot("prompt", until: { AppSession.colourCount($0, in: promptCell) >= 3 },
                                   sourceLocation: sourceLocation)
        let before = try session.stableScreenshot("prompt", sourceLocation: sourceLocation)
        try (typing ?? { try session.type($0, sourceLocation: sourceLocation) })("echo seawall-$((6*7))\n")
        var text = ""
        _ = try session.stableScreenshot("typed", changedFrom: before, until: {
            text = try session.ocr($0, region: textArea, sourceLocation: sourceLocation)
            return lines(text).contains("seawall-42")
        }, sourceLocation: sourceLocation)
        let read = lines(text)
        let output = read.firstIndex { $0.contains("echo seawall-") }.map { $0 + 1 }
        #expect(output.map { read.indices.contains($0) && read[$0] == "seawall-42" } ?? false,
                "the terminal does not show seawall-42 on the line after the command; OCR read:\n\(text)",
                sourceLocation: sourceLocation)
    }

    @Test("foot: `echo seawall-$((6*7))` typed with seawall ctl type; the terminal shows seawall-42 on its own line (OCR)")
    func footTyping() throws {
        try RealAppTests.require(["/usr/bin/foot", Self.tesseract, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
                                 packages: "foot, tesseract-ocr and fonts-dejavu-core")
        let session = try AppSession("foot-input", app: "foot --app-id seawall-foot env PS1='$ ' /bin/sh", size: "640x240")
        defer { session.stop() }
        try session.waitWindow("seawall-foot")
        // foot's 480x160 window at 32,6 (Apps/config/foot/foot.ini): its title bar, then the text.
        try Self.expectShellArithmetic(session, textArea: AppSession.Rect(32, 32, 480, 134),
                                           promptCell: AppSession.Rect(40, 40, 9, 18))
    }

    @Test("two foot windows: a word double-clicked in one (seawall ctl click --double) is pasted into the other by a middle click (the primary selection); OCR shows it at the second one's prompt")
    func footMiddleClickPaste() throws {
        try RealAppTests.require(["/usr/bin/foot", Self.tesseract, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
                                 packages: "foot, tesseract-ocr and fonts-dejavu-core")
        // The first window prints the word and waits; the second (a shell) starts once the test has seen the
        // first mapped (the file "go"), so the cascade puts it at 80,40, over the first's lower right.
        let word = "primarypaste42"
        let session = try AppSession("foot-primary", app: """
            foot --app-id seawall-foot-a sh -c 'echo \(word); exec cat' & \
            while [ ! -e "$0/go" ]; do sleep 0.1; done; foot --app-id seawall-foot-b env PS1='$ ' /bin/sh
            """, size: "1040x200")
        defer { session.stop() }
        try session.waitWindow("seawall-foot-a")
        let source = AppSession.Rect(32, 32, 480, 40)   // the first window's first lines (at 32,6, title bar 26 high)
        _ = try session.stableScreenshot("word", until: { try session.ocr($0, region: source).contains(word) })
        let go = open(session.directory + "/go", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(go >= 0)
        close(go)
        try session.waitWindow("seawall-foot-b")
        // The second window's prompt, before anything is pasted.
        let target = AppSession.Rect(80, 66, 480, 134)
        _ = try session.screenshot("prompt", until: { AppSession.colourCount($0, in: AppSession.Rect(88, 74, 9, 18)) >= 3 })

        // A double click on the word (left of where the second window starts) selects it: foot sets the
        // primary selection. The press raises the first window.
        let unselected = try session.stableScreenshot("unselected")
        try session.ctl(["pointer", "move", "--window", "seawall-foot-a", "28", "42"])
        try session.ctl(["click", "--double"])
        _ = try session.stableScreenshot("selected", changedFrom: unselected)
        #expect(session.run.isRunning)

        // A middle click on the part of the second window still showing (right of the first) raises it, gives
        // it the keyboard focus and with it the primary selection's offer, and pastes.
        try session.ctl(["pointer", "move", "--window", "seawall-foot-b", "450", "110"])
        try session.ctl(["click", "middle"])
        var text = ""
        _ = try session.stableScreenshot("pasted", until: {
            text = try session.ocr($0, region: target)
            return Self.lines(text).contains { $0.filter { $0 != " " } == "$\(word)" }
        })
        #expect(Self.lines(text).contains { $0.filter { $0 != " " } == "$\(word)" },
                "the second foot's prompt does not show the pasted \(word); OCR read:\n\(text)\n--- app.log\n\(session.appLog)")
    }

    @Test("foot under seawall run --allow-virtual-input: wtype types `echo seawall-$((6*7))` and Return (its own keymap, the virtual keyboard protocol); the terminal shows seawall-42 (OCR), and a wtyped é reaches the shell as UTF-8")
    func footWtype() throws {
        try RealAppTests.require(["/usr/bin/foot", "/usr/bin/wtype", Self.tesseract, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
                                 packages: "foot, wtype, tesseract-ocr and fonts-dejavu-core")
        let session = try AppSession("foot-wtype", app: "foot --app-id seawall-foot env PS1='$ ' /bin/sh", size: "640x240",
                                     options: ["--allow-virtual-input"])
        defer { session.stop() }
        try session.waitWindow("seawall-foot")
        let textArea = AppSession.Rect(32, 32, 480, 134)
        try Self.expectShellArithmetic(session, textArea: textArea, promptCell: AppSession.Rect(40, 40, 9, 18), typing: { text in
            try session.client("/usr/bin/wtype", [String(text.dropLast())])   // without its newline:
            try session.client("/usr/bin/wtype", ["-k", "Return"])             // the two commands
        })
        // A character outside Seawall's keymap (wtype's keymap has it): the shell compares what it got with
        // é's UTF-8 bytes and prints a word OCR reads reliably (it misread od's hexadecimal c3 a9 as c3 ad).
        let before = try session.stableScreenshot("before-e-acute")
        try session.client("/usr/bin/wtype", ["test é = \"$(printf '\\303\\251')\" && echo eacute-arrived"])
        try session.client("/usr/bin/wtype", ["-k", "Return"])
        var text = ""
        let arrived = { Self.lines(text).contains { $0.filter { $0 != " " } == "eacute-arrived" } }
        _ = try session.stableScreenshot("e-acute", changedFrom: before, until: {
            text = try session.ocr($0, region: textArea)
            return arrived()
        })
        #expect(arrived(), "the shell did not get é as its UTF-8 bytes C3 A9; OCR read:\n\(text)")
    }

    // gtk4-widget-factory with the cairo renderer at 1440x900: its window is placed at 14,39, and these are
    // its widgets' frames in output pixels, measured from a screenshot (border to border, 2 pixels added
    // around each for GTK's outlines).
    /// The pulsing progress bar under "50%" (RealAppTests.pulsingProgressBar): never compared.
    static let progressBar = AppSession.Rect(600, 126, 370, 11)
    /// The "comboboxentry" at the top left: it has the keyboard focus at start (blue frame, text selected)
    /// and loses it when another widget takes it.
    static let comboBoxEntry = AppSession.Rect(22, 94, 420, 38)
    /// The first "togglebutton" (off at start).
    static let toggleButton = AppSession.Rect(462, 94, 134, 39)
    /// The second "checkbutton" (unchecked at start): its box at 28..43, 483..498 and its label.
    static let checkButton = AppSession.Rect(24, 478, 108, 26)
    /// The entry that reads "entry", with its clear icon.
    static let entry = AppSession.Rect(22, 270, 434, 38)

    /// Whether gtk4-widget-factory has drawn its starting state: the combo box entry with the keyboard focus
    /// (its blue focus frame; measured in every run).
    static func showsStartingFocus(_ shot: RGBImage) -> Bool {
        shot.pixel(x: 30, y: 96) == (128, 165, 211)
    }

    static func widgetFactory(_ name: String) throws -> AppSession {
        try RealAppTests.require([RealAppTests.widgetFactory, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
                                 packages: "gtk-4-examples and fonts-dejavu-core")
        let session = try AppSession(name, app: RealAppTests.widgetFactory, size: "1440x900",
                                     environment: ["GSK_RENDERER": "cairo"])
        try session.waitWindow("gtk4-widget-factory")
        return session
    }

    @Test("gtk4-widget-factory: a check button and a toggle button clicked by position change there and nowhere else")
    func gtkClicks() throws {
        let session = try Self.widgetFactory("gtk-clicks")
        defer { session.stop() }
        let masks = [Self.progressBar]
        let before = try session.stableScreenshot("before", masks: masks, until: Self.showsStartingFocus)
        try session.click(35, 491)
        let checked = try session.stableScreenshot("checked", changedFrom: before, masks: masks,
                                                   until: { Self.changed(before, $0, in: Self.checkButton) })
        AppSession.expectDifference(before, checked, onlyIn: [Self.checkButton, Self.comboBoxEntry],
                                    changed: [Self.checkButton, Self.comboBoxEntry], masks: masks)
        try session.click(528, 112)
        let toggled = try session.stableScreenshot("toggled", changedFrom: checked, masks: masks,
                                                   until: { Self.changed(checked, $0, in: Self.toggleButton) })
        AppSession.expectDifference(checked, toggled, onlyIn: [Self.toggleButton, Self.checkButton],
                                    changed: [Self.toggleButton], masks: masks)
        AppSession.expectDifference(before, toggled, onlyIn: [Self.checkButton, Self.toggleButton, Self.comboBoxEntry],
                                    changed: [Self.checkButton, Self.toggleButton], masks: masks)
    }

    @Test("gtk4-widget-factory: text typed into an entry appears in it (pixels inside the entry only; OCR reads it)")
    func gtkEntry() throws {
        try RealAppTests.require([Self.tesseract], packages: "tesseract-ocr")
        let session = try Self.widgetFactory("gtk-entry")
        defer { session.stop() }
        let masks = [Self.progressBar]
        let before = try session.stableScreenshot("before", masks: masks, until: Self.showsStartingFocus)
        try session.click(200, 288)
        try session.ctl(["key", "ctrl+a", "BackSpace"])
        try session.type("seawall-42")
        // Inside the entry's frame, left of its clear icon.
        var text = ""
        let typed = try session.stableScreenshot("typed", changedFrom: before, masks: masks, until: {
            text = try session.ocr($0, region: AppSession.Rect(26, 274, 390, 30))
            return text.contains("seawall-42")
        })
        AppSession.expectDifference(before, typed, onlyIn: [Self.entry, Self.comboBoxEntry],
                                    changed: [Self.entry], masks: masks)
        #expect(Self.lines(text).contains { $0.contains("seawall-42") }, "OCR of the entry read: \(text)")
    }

    @Test("gtk4-widget-factory: a right click opens the entry's context menu (an xdg_popup), a click elsewhere closes it")
    func gtkPopup() throws {
        let session = try Self.widgetFactory("gtk-popup")
        defer { session.stop() }
        let masks = [Self.progressBar]
        let before = try session.stableScreenshot("before", masks: masks, until: Self.showsStartingFocus)
        try session.click(200, 288, button: "right")
        // The menu: what changed outside the entry (which takes the focus) and the combo box (which loses it).
        let menuArea = { (shot: RGBImage) in
            AppSession.boundingBox(AppSession.differingPixels(before, shot, masks: masks + [Self.entry, Self.comboBoxEntry]))
        }
        let open = try session.stableScreenshot("menu", changedFrom: before, masks: masks,
                                                until: { menuArea($0).map { $0.width >= 100 && $0.height >= 100 } ?? false })
        let menu = try #require(menuArea(open), "no menu appeared")
        #expect(menu.width >= 100 && menu.height >= 100 && menu.x >= 190 && menu.y >= 270,
                "the menu is not a popup below and right of the pointer at 200,288: \(menu)")
        if access(Self.tesseract, X_OK) == 0 {
            let text = try session.ocr(open, region: menu)
            #expect(Self.lines(text).contains("Select All"), "OCR of the menu read: \(text)")
        }
        // A click on the background, outside every surface: the popup grab ends (popup_done), the menu goes.
        try session.click(700, 15)
        let closed = try session.stableScreenshot("closed", changedFrom: open, masks: masks, until: {
            !AppSession.differingPixels(before, $0, masks: masks).contains { menu.contains($0.x, $0.y) }
        })
        let menuAreaChanges = AppSession.differingPixels(before, closed, masks: masks).filter { menu.contains($0.x, $0.y) }.count
        #expect(menuAreaChanges == 0,
                "the menu's area \(menu) is not as it was before the menu opened")
        AppSession.expectDifference(before, closed, onlyIn: [Self.entry, Self.comboBoxEntry], changed: [], masks: masks)
    }

    @Test("gtk4-widget-factory: a touch tap (wl_touch) on a toggle button toggles it")
    func gtkTouch() throws {
        let session = try Self.widgetFactory("gtk-touch")
        defer { session.stop() }
        let masks = [Self.progressBar]
        let before = try session.stableScreenshot("before", masks: masks, until: Self.showsStartingFocus)
        try session.ctl(["tap", "528", "112"])
        let tapped = try session.stableScreenshot("tapped", changedFrom: before, masks: masks,
                                                  until: { Self.changed(before, $0, in: Self.toggleButton) })
        AppSession.expectDifference(before, tapped, onlyIn: [Self.toggleButton, Self.comboBoxEntry],
                                    changed: [Self.toggleButton], masks: masks)
    }

    @Test("weston-terminal: `echo seawall-$((6*7))` typed as seawall ctl key combos; seawall-42 appears on its own line (OCR)")
    func westonTerminalTyping() throws {
        try RealAppTests.require(["/usr/bin/weston-terminal", Self.tesseract], packages: "weston and tesseract-ocr")
        let session = try AppSession("weston-terminal", app: "env PS1='$ ' weston-terminal --shell=/bin/sh", size: "800x480")
        defer { session.stop() }
        try session.waitWindow("Wayland Terminal")
        // Its 742x427 window at 32,32: a 28-pixel title bar, then the text from x 38.
        // The one test that types with `key` combos (`dollar`, `parenleft` …) rather than `type`.
        try Self.expectShellArithmetic(session, textArea: AppSession.Rect(36, 60, 700, 120),
                                           promptCell: AppSession.Rect(40, 62, 9, 16),
                                           typing: { try session.typeWithKeyCombos($0) })
    }

    static let qtExamples = "/usr/lib/x86_64-linux-gnu/qt5/examples/widgets/widgets"
    static let qtCalculator = qtExamples + "/calculator/calculator"
    static let qtLineEdits = qtExamples + "/lineedits/lineedits"
    /// Qt on Wayland, its own Fusion style, no platform theme, scale or font DPI from the caller.
    static let qtEnvironment: [String: String?] = [
        "QT_QPA_PLATFORM": "wayland", "QT_QPA_PLATFORMTHEME": nil, "QT_STYLE_OVERRIDE": "Fusion",
        "QT_SCALE_FACTOR": nil, "QT_AUTO_SCREEN_SCALE_FACTOR": nil, "QT_SCREEN_SCALE_FACTORS": nil,
        "QT_FONT_DPI": nil, "QT_WAYLAND_SHELL_INTEGRATION": nil, "QT_WAYLAND_DISABLE_WINDOWDECORATION": nil,
    ]

    @Test("Qt 5 widgets (qtbase5-examples' calculator, QT_QPA_PLATFORM=wayland): 6 × 7 = clicked; the display reads 42")
    func qtCalculatorClicks() throws {
        try RealAppTests.require([Self.qtCalculator, Self.tesseract, "/usr/lib/x86_64-linux-gnu/qt5/plugins/platforms/libqwayland-generic.so"],
                                 packages: "qtbase5-examples, qtwayland5 and tesseract-ocr")
        // Qt's raster windows seal their memfds: the default shm policy serves them.
        let session = try AppSession("qt-calculator", app: Self.qtCalculator, size: "640x480", environment: Self.qtEnvironment)
        defer { session.stop() }
        try session.waitWindow("calculator")
        // The 310x331 window at 32,32; its display (a read-only line edit) and the buttons 6, ×, 7 and =.
        let display = AppSession.Rect(46, 72, 283, 38), window = AppSession.Rect(32, 32, 310, 331)
        let before = try session.stableScreenshot("before")
        for (x, y) in [(210, 232), (258, 232), (114, 184), (306, 328)] { try session.click(x, y) }
        var text = ""
        let after = try session.stableScreenshot("after", changedFrom: before, until: {
            text = try session.ocr($0, region: AppSession.Rect(48, 76, 278, 30))
            return Self.lines(text) == ["42"]
        })
        AppSession.expectDifference(before, after, onlyIn: [window], changed: [display])
        #expect(Self.lines(text) == ["42"], "OCR of the calculator's display read: \(text)")
    }

    @Test("Qt 5 widgets (qtbase5-examples' lineedits): text typed into a line edit appears in it and nowhere else (OCR reads it)")
    func qtLineEditTyping() throws {
        try RealAppTests.require([Self.qtLineEdits, Self.tesseract, "/usr/lib/x86_64-linux-gnu/qt5/plugins/platforms/libqwayland-generic.so"],
                                 packages: "qtbase5-examples, qtwayland5 and tesseract-ocr")
        let session = try AppSession("qt-lineedits", app: Self.qtLineEdits, size: "640x480", environment: Self.qtEnvironment)
        defer { session.stop() }
        try session.waitWindow("lineedits")
        // The 437x349 window at 32,32: the "Echo" group's line edit (empty, "Placeholder Text"), and the
        // "Validator" group's combo box, which Tab moves the focus to.
        let lineEdit = AppSession.Rect(56, 130, 203, 27), validatorType = AppSession.Rect(126, 201, 133, 27)
        let before = try session.stableScreenshot("before")
        try session.click(157, 143)
        try session.type("seawall-42")
        // Qt blinks the line edit's caret from a wall-clock timer: Tab takes the focus (and the caret) away.
        try session.ctl(["key", "Tab"])
        var text = ""
        let after = try session.stableScreenshot("typed", changedFrom: before, until: {
            guard Self.changed(before, $0, in: validatorType) else { return false }
            text = try session.ocr($0, region: AppSession.Rect(58, 132, 199, 23))
            return Self.lines(text) == ["seawall-42"]
        })
        AppSession.expectDifference(before, after, onlyIn: [lineEdit, validatorType], changed: [lineEdit, validatorType])
        #expect(Self.lines(text) == ["seawall-42"], "OCR of the line edit read: \(text)")
    }

    @Test("X11 under seawall run --xwayland: keys and modifier combos typed with seawall ctl key, and ASCII with type, reach xev through the rootful Xwayland, with their X modifier state")
    func xwaylandKeys() throws {
        try RealAppTests.require(["/usr/bin/Xwayland", "/usr/bin/xev"], packages: "xwayland and x11-apps")
        // xev prints its window's structure (MapNotify once mapped) and keyboard events.
        let session = try AppSession("xev", app: "xev -geometry 300x200+0+0 -event structure -event keyboard",
                                     size: "640x480", options: ["--xwayland"])
        defer { session.stop() }
        let deadline = monotonicSeconds() + 60
        while !session.appLog.contains("MapNotify") && monotonicSeconds() < deadline { usleep(50_000) }
        try #require(session.appLog.contains("MapNotify"), "xev never mapped its window\n\(session.appLog)")
        // With no X window manager the X keyboard focus follows the X pointer (PointerRoot): over xev.
        try session.ctl(["pointer", "move", "100", "100"])
        // Plain keys, then combos: each modifier's wl_keyboard.modifiers reaches Xwayland's XKB state (which
        // crashed Xwayland 22.1 while Seawall's keymap declared no indicators; see Keymap).
        try session.ctl(["key", "s", "e", "a", "w", "a", "l", "l", "Return", "shift+b", "ctrl+a"])
        // And `type` (ASCII: Seawall's own keymap, Shift held for H and !).
        try session.ctl(["type", "Hi!"])
        try session.ctl(["input", "wait"])
        // xev's `state` is the modifiers before the key itself: 0x1 Shift, 0x4 Control.
        let expected = ["s", "e", "a", "w", "a", "l", "l", "Return"].map { XevKeyPress(state: 0, keysym: $0) } + [
            XevKeyPress(state: 0, keysym: "Shift_L"), XevKeyPress(state: 0x1, keysym: "B"),
            XevKeyPress(state: 0, keysym: "Control_L"), XevKeyPress(state: 0x4, keysym: "a"),
            XevKeyPress(state: 0, keysym: "Shift_L"), XevKeyPress(state: 0x1, keysym: "H"), XevKeyPress(state: 0, keysym: "i"),
            XevKeyPress(state: 0, keysym: "Shift_L"), XevKeyPress(state: 0x1, keysym: "exclam"),
        ]
        var presses: [XevKeyPress] = []
        while monotonicSeconds() < deadline {
            presses = Self.keyPresses(inXevOutput: session.appLog)
            if presses.count >= expected.count { break }
            usleep(50_000)
        }
        #expect(presses == expected, "xev's KeyPress events: \(presses)\n--- seawall run\n\(session.run.transcript)\n--- xev\n\(session.appLog)")
    }
}

/// One KeyPress event as xev reports it: the X modifier state before it and the keysym's name.
struct XevKeyPress: Equatable, CustomStringConvertible {
    let state: UInt32
    let keysym: String
    var description: String { "\(keysym) (state 0x\(String(state, radix: 16)))" }
}

extension AppInputTests {
    /// xev's KeyPress events, in order: each event's block holds a line like
    /// `state 0x1, keycode 56 (keysym 0x42, B), same_screen YES,`.
    static func keyPresses(inXevOutput log: String) -> [XevKeyPress] {
        var presses: [XevKeyPress] = []
        var inPress = false
        for line in log.split(separator: "\n") {
            if line.hasPrefix("KeyPress event") { inPress = true; continue }
            if line.hasPrefix("KeyRelease event") || !line.hasPrefix(" ") { inPress = false; continue }
            guard inPress, let stateAt = line.firstRange(of: "state 0x"), let open = line.firstRange(of: "(keysym 0x") else { continue }
            let stateHex = line[stateAt.upperBound...].prefix { $0.isHexDigit }
            let rest = line[open.upperBound...]
            guard let state = UInt32(stateHex, radix: 16), let comma = rest.firstIndex(of: ","),
                  let close = rest.firstIndex(of: ")"), comma < close else { continue }
            presses.append(XevKeyPress(state: state, keysym: rest[rest.index(after: comma)..<close].trimmingCharacters(in: " ")))
            inPress = false
        }
        return presses
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
