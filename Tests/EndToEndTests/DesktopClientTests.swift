import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// Debian's own desktop clients under the real `seawall run`, driven through the real `seawall ctl`
/// (`AppSession`), each checked by what its user relies on:
/// - two foot windows: a word typed into one and double-clicked there is pasted into the other by a middle
///   click (the primary selection); the second terminal's program writes the line it got to a file, so the
///   test reads the bytes that arrived, not an OCR of them;
/// - mako and notify-send: the notification is drawn at its anchored corner (top right, on the overlay
///   layer) over a maximized foot, nothing else on the output changes, its summary reads back (OCR), and a
///   click on it dismisses it (the output is as before);
/// - waybar: its bar is drawn along the top edge, and its exclusive zone shrinks a maximized foot window to
///   the rest of the output (`seawall ctl windows`);
/// - wayland-info: every global protocol/interfaces.list declares is listed, at its declared version, and
///   nothing else.
///
/// The configurations (fonts, colours, geometry) are in Apps/config/mako and Apps/config/waybar. mako and
/// waybar draw in memfds made without MFD_ALLOW_SEALING (seawall run says so and names `--shm-policy copy`),
/// so those two sessions run under `--shm-policy copy`. foot seals its pools: the default policy serves it.
@Suite(.serialized)
struct DesktopClientTests {
    static let foot = "/usr/bin/foot"
    static let monoFont = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

    /// Waits (at most `seconds`) until `path` exists; whether it does.
    static func waitForFile(_ path: String, seconds: Double = 60) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while access(path, F_OK) != 0 {
            if monotonicSeconds() > deadline { return false }
            usleep(50_000)
        }
        return true
    }

    static func touch(_ path: String) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(fd >= 0, "cannot create \(path)")
        close(fd)
    }

    @Test("two foot windows: a word typed into the first (seawall ctl type) and double-clicked there is pasted into the second by a middle click; the second's program receives exactly that word")
    func footPrimarySelectionPaste() throws {
        try RealAppTests.require([Self.foot, Self.monoFont], packages: "foot and fonts-dejavu-core")
        // The first window runs cat (the terminal echoes what is typed); the second starts once the test has
        // seen the word in the first (the file "go"), so the cascade puts it at 80,40, over the first's lower
        // right. Its program reads one line and writes it to "pasted" (renamed into place once complete).
        let word = "primarypaste42"
        let session = try AppSession("foot-primary-file", app: """
            foot --app-id seawall-foot-a sh -c 'exec cat >/dev/null' & \
            while [ ! -e "$0/go" ]; do sleep 0.1; done; \
            foot --app-id seawall-foot-b sh -c 'head -n 1 >"$0/pasted.part" && mv "$0/pasted.part" "$0/pasted"' "$0"
            """, size: "1040x200")
        defer { session.stop() }
        try session.waitWindow("seawall-foot-a")
        let empty = try session.stableScreenshot("empty")
        try session.ctl(["focus", "--window", "seawall-foot-a"])
        try session.type(word)
        // The terminal echoes the word on its first line (the first window is at 32,6, its title bar 26 high).
        let source = AppSession.Rect(32, 32, 480, 40)
        var text = ""
        _ = try session.stableScreenshot("typed", changedFrom: empty, until: {
            text = try session.ocr($0, region: source)
            return text.contains(word)
        })
        try #require(text.contains(word), "the first foot does not show the typed \(word); OCR read:\n\(text)")
        try Self.touch(session.directory + "/go")
        try session.waitWindow("seawall-foot-b")
        #expect(access(session.directory + "/pasted", F_OK) != 0, "nothing is pasted yet")

        // A double click on the word (left of where the second window starts) raises the first window, gives
        // it the keyboard focus (only the focused client may set a selection) and selects the word: foot sets
        // the primary selection.
        let unselected = try session.stableScreenshot("unselected")
        try session.ctl(["pointer", "move", "--window", "seawall-foot-a", "28", "42"])
        try session.ctl(["click", "--double"])
        _ = try session.stableScreenshot("selected", changedFrom: unselected)

        // A middle click on the part of the second window still showing (right of the first) raises it and
        // gives it the keyboard focus, with the primary selection's offer: foot pastes the word into its
        // terminal. Return ends the line that head reads.
        try session.ctl(["pointer", "move", "--window", "seawall-foot-b", "450", "110"])
        try session.ctl(["click", "middle"])
        try session.ctl(["input", "wait"])
        try session.ctl(["key", "Return"])
        let arrived = Self.waitForFile(session.directory + "/pasted")
        let pasted = String(decoding: TestFiles.read(session.directory + "/pasted") ?? [], as: UTF8.self)
        #expect(arrived && pasted == word + "\n",
                "the second foot's program got \(arrived ? "\"\(pasted)\"" : "no line"), not \(word)\n--- seawall run\n\(session.run.transcript)\n--- app.log\n\(session.appLog)")
    }

    @Test("mako with notify-send (own D-Bus session bus): the notification appears at the output's top right corner (its configured anchor and margins) over a maximized foot window, nothing else changes, its summary reads back (OCR), and a left click dismisses it")
    func makoNotification() throws {
        try RealAppTests.require(["/usr/bin/mako", "/usr/bin/notify-send", "/usr/bin/dbus-run-session", "/usr/bin/gdbus",
                                  AppInputTests.tesseract, Self.monoFont],
                                 packages: "mako-notifier, libnotify-bin, dbus, libglib2.0-bin, tesseract-ocr and fonts-dejavu-core")
        // mako on a session bus of its own; once it owns org.freedesktop.Notifications the bus's address goes
        // to the file "bus" (renamed into place), and notify-send is run by the test on that bus.
        let config = RealAppTests.apps + "/config/mako/config"
        // A maximized foot fills the output first: the notification must be drawn over it.
        let session = try AppSession("mako", app: """
            foot --app-id seawall-foot-max --maximized sh -c 'exec cat >/dev/null' & \
            dbus-run-session -- sh -c 'mako -c "$1" & \
            gdbus wait --session --timeout 120 org.freedesktop.Notifications || exit 1; \
            echo "$DBUS_SESSION_BUS_ADDRESS" >"$0/bus.part" && mv "$0/bus.part" "$0/bus"; wait' "$0" '\(config)'
            """, size: "640x480", options: ["--shm-policy", "copy"])
        defer { session.stop() }
        try #require(Self.waitForFile(session.directory + "/bus"), "mako never took org.freedesktop.Notifications\n\(session.appLog)")
        let bus = String(decoding: TestFiles.read(session.directory + "/bus") ?? [], as: UTF8.self).trimmingCharacters(in: "\n")
        try session.waitWindow("seawall-foot-max")
        // Nothing may be pointed at or hovered.
        try session.ctl(["pointer", "move", "320", "400"])
        let before = try session.stableScreenshot("before")
        let corner = before.pixel(x: 400, y: 40)
        #expect(corner == before.pixel(x: 400, y: 300), "the maximized foot's background is under the corner before the notification")

        let summary = "Seawall summary"
        let notify = try ChildProcess(executable: "/usr/bin/notify-send", arguments: [summary, "body text"],
                                      environment: ["DBUS_SESSION_BUS_ADDRESS": bus, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        #expect(notify.wait(seconds: 60) && notify.exitStatus == 0, Comment(rawValue: notify.transcript))

        // mako's box (Apps/config/mako/config): 300 wide, its right edge and top 20 pixels from the output's.
        let after = try session.stableScreenshot("notification", changedFrom: before)
        let box = AppSession.boundingBox(AppSession.differingPixels(before, after))
        let found = try #require(box, "nothing was drawn\n--- seawall run\n\(session.run.transcript)\n--- app.log\n\(session.appLog)")
        #expect(found.x == 640 - 20 - 300 && found.y == 20 && found.width == 300,
                "the notification is at \(found), not 300 wide at the top right corner 20 pixels in")
        #expect(found.height > 20 && found.height <= 100, "the notification is \(found.height) high")
        // Its border (#ff8800, 2 pixels) and its background (#202020) inside.
        #expect(after.pixel(x: found.x, y: found.y) == (0xFF, 0x88, 0x00), "the border at the box's corner")
        #expect(after.pixel(x: found.x + found.width - 1, y: found.y + found.height - 1) == (0xFF, 0x88, 0x00))
        #expect(after.pixel(x: found.x + 3, y: found.y + found.height - 4) == (0x20, 0x20, 0x20), "the box's background")
        let text = try session.ocr(after, region: AppSession.Rect(found.x + 2, found.y + 2, found.width - 4, found.height - 4))
        #expect(AppInputTests.lines(text).first == summary, "OCR of the notification read:\n\(text)")
        #expect(AppInputTests.lines(text).contains("body text"), "OCR of the notification read:\n\(text)")

        // A left click on it (a wl_pointer button on the layer surface) dismisses it: the output is as before.
        try session.click(found.x + found.width / 2, found.y + found.height / 2)
        try session.ctl(["pointer", "move", "320", "400"])
        let dismissed = try session.stableScreenshot("dismissed", changedFrom: after,
                                                     until: { AppSession.differingPixels(before, $0).isEmpty })
        let left = AppSession.differingPixels(before, dismissed).count
        #expect(left == 0, "\(left) pixels still differ from the output before the notification")
    }

    @Test("waybar (GTK 3) at the top edge: its bar is drawn there, and its exclusive zone shrinks a maximized foot to the rest of the output (seawall ctl windows)")
    func waybarExclusiveZone() throws {
        try RealAppTests.require(["/usr/bin/waybar", Self.foot, Self.monoFont], packages: "waybar, foot and fonts-dejavu-core")
        // The bar first; the maximized foot once the test has seen the bar (the file "go").
        let config = RealAppTests.apps + "/config/waybar"
        let session = try AppSession("waybar", app: """
            waybar -c '\(config)/config' -s '\(config)/style.css' & \
            while [ ! -e "$0/go" ]; do sleep 0.1; done; \
            foot --app-id seawall-foot-max --maximized sh -c 'exec cat >/dev/null'
            """, size: "640x480", options: ["--shm-policy", "copy"])
        defer { session.stop() }
        // The pointer away from the bar: GTK would highlight or tooltip what it rests on.
        try session.ctl(["pointer", "move", "600", "400"])
        let barColour: (UInt8, UInt8, UInt8) = (0x33, 0x66, 0xCC)
        let bar = try session.screenshot("bar", until: { $0.pixel(x: 639, y: 0) == barColour && $0.pixel(x: 639, y: 29) == barColour })
        let shown = try session.stableScreenshot("bar", changedFrom: nil)
        // Exactly 30 rows of bar colour at the right end (where no module text is), background below.
        for y in [0, 15, 29] { #expect(shown.pixel(x: 639, y: y) == barColour, "the bar at 639,\(y)") }
        #expect(shown.pixel(x: 639, y: 30) != barColour && shown.pixel(x: 320, y: 240) == bar.pixel(x: 320, y: 400),
                "below the bar: the background")
        if access(AppInputTests.tesseract, X_OK) == 0 {
            let text = try session.ocr(shown, region: AppSession.Rect(0, 0, 200, 30))
            #expect(AppInputTests.lines(text).contains("seawall-bar"), "OCR of the bar read:\n\(text)")
        }

        try Self.touch(session.directory + "/go")
        try session.waitWindow("seawall-foot-max")
        // The maximized window gets the output minus the bar's 30 rows, below it.
        var geometry = ""
        let deadline = monotonicSeconds() + 60
        repeat {
            try session.ctl(["wait", "settled", "--timeout", "60"], seconds: 70)
            let windows = try session.ctl(["windows"])
            let line = windows.stdout.split(separator: "\n").first { $0.hasPrefix("seawall-foot-max ") }
            geometry = line.flatMap { $0.split(separator: " ").first { $0.contains("x") && $0.contains("+") } }.map(String.init) ?? ""
            if geometry == "640x450+0+30" { break }
        } while monotonicSeconds() < deadline
        #expect(geometry == "640x450+0+30", "the maximized foot is at \(geometry), not below the bar\n\(session.appLog)")
        let final = try session.stableScreenshot("maximized")
        for y in [0, 29] { #expect(final.pixel(x: 639, y: y) == barColour, "the bar is still drawn at 639,\(y)") }
        #expect(final.pixel(x: 639, y: 30) != shown.pixel(x: 639, y: 30), "the window is drawn from row 30")
        #expect(final.pixel(x: 320, y: 479) != shown.pixel(x: 320, y: 479), "the window reaches the bottom edge")
    }

    /// The globals protocol/interfaces.list declares: name and version (nil for `configured`).
    static func declaredGlobals() throws -> [String: Int?] {
        let path = RealAppTests.parent(RealAppTests.parent(RealAppTests.testDirectory)) + "/protocol/interfaces.list"
        let list = String(decoding: try #require(TestFiles.read(path), "cannot read \(path)"), as: UTF8.self)
        var globals: [String: Int?] = [:]
        for line in list.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 4, fields[0] != "protocol", fields[2] != "-" else { continue }
            globals[String(fields[0])] = fields[2] == "configured" ? .some(nil) : .some(Int(fields[2]))
        }
        return globals
    }

    /// wayland-info's globals: `interface: 'NAME', version: N, name: M` lines.
    static func listedGlobals(_ output: String) -> [String: Int] {
        var globals: [String: Int] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("interface: '") {
            let rest = line.dropFirst("interface: '".count)
            guard let quote = rest.firstIndex(of: "'"), let version = rest.firstRange(of: "version:") else { continue }
            let number = rest[version.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
            globals[String(rest[..<quote])] = Int(number)
        }
        return globals
    }

    @Test("wayland-info under seawall run --allow-virtual-input lists every global protocol/interfaces.list declares, at its declared version, and no other; without the option the virtual input globals are absent")
    func waylandInfoListsEveryGlobal() throws {
        try RealAppTests.require(["/usr/bin/wayland-info"], packages: "wayland-utils")
        let declared = try Self.declaredGlobals()
        #expect(declared.keys.contains("zwlr_layer_shell_v1") && declared.keys.contains("wl_compositor") && declared.count >= 18,
                "interfaces.list parsed to \(declared.keys.sorted())")
        func info(_ options: [String]) throws -> [String: Int] {
            let run = try ChildProcess(executable: RealAppTests.seawall,
                                       arguments: ["run", "--size", "640x480"] + options + ["--", "/usr/bin/wayland-info"],
                                       environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
            #expect(run.wait(seconds: 60) && run.exitStatus == 0, Comment(rawValue: run.transcript))
            return Self.listedGlobals(run.stdout)
        }
        let all = try info(["--allow-virtual-input"])
        #expect(Set(all.keys) == Set(declared.keys),
                "wayland-info lacks \(Set(declared.keys).subtracting(all.keys).sorted()), and lists undeclared \(Set(all.keys).subtracting(declared.keys).sorted())")
        for (name, version) in declared {
            if let version, let listed = all[name] { #expect(listed == version, "\(name) is listed at version \(listed), declared \(version)") }
        }
        #expect(all["zwlr_layer_shell_v1"] == 4)
        let plain = try info([])
        let virtualInput: Set = ["zwlr_virtual_pointer_manager_v1", "zwp_virtual_keyboard_manager_v1"]
        #expect(Set(plain.keys) == Set(declared.keys).subtracting(virtualInput),
                "without --allow-virtual-input wayland-info lists \(plain.keys.sorted())")
    }
}
