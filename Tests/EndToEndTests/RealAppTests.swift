import Glibc
import SeawallTestSupport
import Testing

/// Real applications under the real `seawall run`, screenshotted after `seawall ctl wait settled` and
/// checked against goldens with the real `seawall compare` — what docs/TESTING-APPS.md tells app developers to
/// do, done here to Debian's foot and GTK 4's gtk4-widget-factory.
///
/// Determinism comes from the environment, not from tolerance: `--clock virtual`, the fonts of
/// fonts-dejavu-core only (Apps/fonts.conf through FONTCONFIG_FILE, no user or system configuration), the
/// apps' configuration from Apps/config (XDG_CONFIG_HOME: foot.ini with a steady cursor; GTK's settings.ini
/// and, because GTK 4 on Wayland takes GSettings over settings.ini, GSettings' keyfile backend reading
/// Apps/config/glib-2.0/settings/keyfile: no animations — spinners stand still —, no caret blinking, one
/// font), a private HOME, cache and data directory, no D-Bus session (neither dconf, the settings portal nor
/// the accessibility bus can feed in a user's settings), and the C.UTF-8 locale.
///
/// Thresholds (measured: 5 runs of each app, one while another Swift build loaded the 2 cores to a load
/// average of 5): every screenshot was identical to the golden outside the masks, so all three are compared
/// exactly (`--threshold 0`, no differing pixel allowed). foot needs no mask (0 differing pixels of 153600
/// between any two runs). gtk4-widget-factory, with either renderer, pulses one progress bar from a
/// real-time timer: 14 to 544 of its 1296000 pixels differed between runs, all inside that bar; with the
/// bar masked (4070 pixels), 0. The cairo and GL goldens differ from each other (95451 pixels: the GL
/// renderer's gradients, shadows and text rasterization), so each renderer has its own.
///
/// `RECORD_GOLDENS=1` re-records the goldens with `seawall compare --update` (and fails, as everywhere).
/// `SEAWALL_KEEP_APP_SHOTS=1` keeps each run's directory (/tmp/apps-NAME.XXXXXX: screenshot, app output).
@Suite(.serialized)
struct RealAppTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    /// This file is Tests/EndToEndTests/RealAppTests.swift.
    static let testDirectory = parent(String(#filePath))
    static let apps = testDirectory + "/Apps"
    static let goldens = testDirectory + "/Golden"
    static let failures = parent(parent(testDirectory)) + "/.build/golden-failures"

    static func parent(_ path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    }

    /// What every app gets: only the checked-in configuration and fonts, private writable directories.
    static func environment(_ directory: String) -> [String: String?] {
        [
            "FONTCONFIG_FILE": apps + "/fonts.conf",
            "XDG_CONFIG_HOME": apps + "/config",
            "XDG_CONFIG_DIRS": apps + "/config",
            "HOME": directory + "/home",
            "XDG_CACHE_HOME": directory + "/cache",
            "XDG_DATA_HOME": directory + "/data",
            "XDG_STATE_HOME": directory + "/state",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": nil,
            "DBUS_SESSION_BUS_ADDRESS": "disabled:", "NO_AT_BRIDGE": "1", "GTK_A11Y": "none",
            "GSETTINGS_BACKEND": "keyfile", "GTK_USE_PORTAL": "0", "GDK_DEBUG": nil, "GTK_DEBUG": nil,
            "GTK_THEME": "Adwaita", "GTK_IM_MODULE": "gtk-im-context-simple", "GDK_BACKEND": "wayland",
            "GSK_RENDERER": nil, "GDK_SCALE": nil, "GDK_DPI_SCALE": nil,
            "XCURSOR_THEME": nil, "XCURSOR_SIZE": nil, "TERM": "xterm-256color",
        ]
    }

    struct Shot {
        let directory: String
        let path: String
        let run: ChildProcess
    }

    /// Runs `app` (a shell command line) under `seawall run --clock virtual --size SIZE OPTIONS`, waits for
    /// the window `window`, then for 500 ms without a change, and takes a screenshot through SEAWALL_CTL.
    ///
    /// With `masks`, the app is known never to settle (something in it moves on a real-time timer), so
    /// `wait settled` would time out: instead a screenshot is taken every half second until two in a row are
    /// identical outside the masks (`seawall compare --threshold 0 --mask ...`), and the second is the shot.
    static func screenshot(_ name: String, app: String, window: String, size: String, options: [String] = [],
                           masks: [String] = [], environment extra: [String: String?] = [:]) throws -> Shot {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "apps-\(name)")
        for sub in ["home", "cache", "data", "state"] { mkdir(directory + "/" + sub, 0o700) }
        let path = directory + "/\(name).png"
        let maskArguments = masks.map { "--mask \($0)" }.joined(separator: " ")
        // $0 is seawall, $1 the window, $2 the screenshot, $3 the run's directory; the app's output goes to app.log.
        let settle = masks.isEmpty ? """
            "$0" ctl wait settled --ms 500 --timeout 120 && "$0" ctl screenshot "$2"
            """ : """
            "$0" ctl screenshot "$3/try.png" || exit 1
            for i in $(seq 120); do
                sleep 0.5
                mv "$3/try.png" "$3/previous.png" && "$0" ctl screenshot "$3/try.png" >/dev/null || exit 1
                if "$0" compare "$3/try.png" "$3/previous.png" --threshold 0 \(maskArguments) >/dev/null; then
                    echo "stable outside the masks after $i more screenshots"; mv "$3/try.png" "$2"; exit 0
                fi
            done
            echo "never stable outside the masks" >&2; exit 1
            """
        let script = """
            \(app) >"$3/app.log" 2>&1 &
            "$0" ctl wait window "$1" --timeout 150 || exit 1
            \(settle)
            """
        var environment = Self.environment(directory)
        for (key, value) in extra { environment[key] = value }
        let child = try ChildProcess(executable: seawall, arguments: [
            "run", "--clock", "virtual", "--size", size] + options + [
            "--", "/bin/sh", "-c", script, seawall, window, path, directory], environment: environment)
        let finished = child.wait(seconds: 360)
        if !finished { child.terminate() }
        let log = String(decoding: TestFiles.read(directory + "/app.log") ?? [], as: UTF8.self)
        #expect(finished && child.exitStatus == 0,
                Comment(rawValue: "seawall run failed\n\(child.transcript)\n--- app.log\n\(log)"))
        return Shot(directory: directory, path: path, run: child)
    }

    /// `seawall compare SHOT GOLDEN --threshold T --max-diff-pixels N` (or `--update` with RECORD_GOLDENS=1).
    /// On a difference the screenshot and the diff image are copied to .build/golden-failures.
    static func expectMatchesGolden(_ shot: Shot, _ golden: String, threshold: String = "0", maxDiffPixels: Int = 0,
                                    masks: [String] = []) throws {
        let goldenPath = goldens + "/\(golden).png"
        let record = getenv("RECORD_GOLDENS").map { String(cString: $0) } == "1"
        let diff = shot.directory + "/\(golden).diff.png"
        let arguments = ["compare", shot.path, goldenPath, "--threshold", threshold, "--max-diff-pixels", "\(maxDiffPixels)"] +
            masks.flatMap { ["--mask", $0] } +
            (record ? ["--update"] : ["--diff", diff])
        let compare = try ChildProcess(executable: seawall, arguments: arguments)
        #expect(compare.wait(seconds: 60))
        if record {
            Issue.record("re-recorded golden \(goldenPath) (RECORD_GOLDENS=1 always fails the run; look at it, commit it with a reason)\n\(compare.transcript)")
            return
        }
        if compare.exitStatus == 0 {
            if getenv("SEAWALL_KEEP_APP_SHOTS") == nil {
                _ = try? ChildProcess(executable: "/bin/rm", arguments: ["-rf", shot.directory]).wait(seconds: 30)
            }
            return
        }
        mkdir(parent(failures), 0o755)
        mkdir(failures, 0o755)
        let keep = try ChildProcess(executable: "/bin/cp", arguments: [
            shot.path, failures + "/\(golden).actual.png"] + (access(diff, R_OK) == 0 ? [diff] : []) + [failures])
        _ = keep.wait(seconds: 30)
        Issue.record("""
            \(golden): the screenshot differs from \(goldenPath) (seawall compare exit \(compare.exitStatus.map(String.init) ?? "?"))
            \(compare.stdout)\(compare.stderr)screenshot: \(failures)/\(golden).actual.png, diff: \(failures)/\(golden).diff.png (run kept in \(shot.directory))
            """)
    }

    static func require(_ programs: [String], packages: String) throws {
        for program in programs {
            try #require(access(program, X_OK) == 0 || access(program, R_OK) == 0,
                         "\(program) is missing: install Debian's \(packages) (tools/test does this as root)")
        }
    }

    @Test("foot prints a fixed text in DejaVu Sans Mono; exact match with the golden")
    func foot() throws {
        try Self.require(["/usr/bin/foot", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
                         packages: "foot and fonts-dejavu-core")
        // The command prints and then sleeps, so foot keeps its window; seawall run ends foot's process group.
        let shot = try Self.screenshot("foot", app: """
            foot --app-id seawall-foot --title Seawall sh -c 'printf "Seawall\\n  real apps, golden screenshots\\n\\n\\033[1mbold\\033[0m \\033[31mred\\033[32m green\\033[34m blue\\033[0m\\n"; exec sleep 1000'
            """, window: "seawall-foot", size: "640x240")
        try Self.expectMatchesGolden(shot, "app-foot")
    }

    static let widgetFactory = "/usr/bin/gtk4-widget-factory"

    /// gtk4-widget-factory pulses the progress bar under "50%" from a real-time 250 ms timer, forever, so its
    /// window never settles and the bar's block is wherever the timer has pushed it: that bar (x 719 to 934
    /// and 798 to 930, y 130 to 133 in measured runs of the two renderers) is masked, and nothing else.
    static let pulsingProgressBar = "600,126,370,11"

    @Test("gtk4-widget-factory with GTK's cairo renderer under the default shm policy; exact outside the pulsing bar")
    func gtkCairo() throws {
        try Self.require([Self.widgetFactory, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
                         packages: "gtk-4-examples and fonts-dejavu-core")
        let shot = try Self.screenshot("gtk-cairo", app: Self.widgetFactory, window: "gtk4-widget-factory",
                                       size: "1440x900", masks: [Self.pulsingProgressBar],
                                       environment: ["GSK_RENDERER": "cairo"])
        #expect(!shot.run.stderr.contains("pool refused"), Comment(rawValue: shot.run.transcript))
        try Self.expectMatchesGolden(shot, "app-gtk4-widget-factory-cairo", masks: [Self.pulsingProgressBar])
    }

    @Test("gtk4-widget-factory with GTK's default GL renderer on Mesa llvmpipe, under --shm-policy autoseal")
    func gtkGL() throws {
        try Self.require([Self.widgetFactory, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
                         packages: "gtk-4-examples and fonts-dejavu-core")
        let shot = try Self.screenshot("gtk-gl", app: Self.widgetFactory, window: "gtk4-widget-factory",
                                       size: "1440x900", options: ["--shm-policy", "autoseal"],
                                       masks: [Self.pulsingProgressBar], environment: ["LIBGL_ALWAYS_SOFTWARE": "1"])
        try Self.expectMatchesGolden(shot, "app-gtk4-widget-factory-gl", masks: [Self.pulsingProgressBar])
    }

    /// The same bar at `--scale 1.5` (device pixels; measured: x 902 to 1400, y 150 to 160).
    static let pulsingProgressBarAtOneAndAHalf = "880,144,540,22"

    /// GTK 4.8 (Debian 12) at `--scale 1.5`. It sees wp_fractional_scale_manager_v1 and wp_viewporter in the
    /// registry but binds neither (fractional scaling came in GTK 4.12): it draws at wl_output.scale 2, and
    /// Seawall downscales its buffers to 1.5. The test checks what GTK actually does, from its own
    /// WAYLAND_DEBUG log: if a later GTK binds the fractional-scale manager, it must use a viewport and buffers
    /// 1.5 times its logical size; otherwise buffer scale 2 and buffers twice its logical size. Then the
    /// output against a golden (cairo renderer, exact outside the pulsing bar).
    @Test("gtk4-widget-factory at --scale 1.5: what GTK does (buffer scale 2 on GTK 4.8), and the output golden")
    func gtkFractionalScale() throws {
        try Self.require([Self.widgetFactory, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
                         packages: "gtk-4-examples and fonts-dejavu-core")
        let shot = try Self.screenshot("gtk-scale1.5", app: Self.widgetFactory, window: "gtk4-widget-factory",
                                       size: "1440x900", options: ["--scale", "1.5"],
                                       masks: [Self.pulsingProgressBarAtOneAndAHalf],
                                       environment: ["GSK_RENDERER": "cairo", "WAYLAND_DEBUG": "client"])
        let log = String(decoding: TestFiles.read(shot.directory + "/app.log") ?? [], as: UTF8.self)
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.contains("wl_output@") && $0.contains(".scale(2)") }, "wl_output.scale is ceil(1.5) = 2")
        #expect(lines.contains { $0.contains("wp_fractional_scale_manager_v1\", 1)") }, "the global is announced")
        // Buffer sizes GTK made: wl_shm_pool.create_buffer(new id, offset, width, height, stride, format).
        let sizes: [(Int, Int)] = lines.compactMap { line in
            guard let open = line.firstRange(of: ".create_buffer(new id ") else { return nil }
            let fields = line[open.upperBound...].split(separator: ",").map { String($0.filter { $0 != " " }) }
            guard fields.count >= 4, let w = Int(fields[2]), let h = Int(fields[3]) else { return nil }
            return (w, h)
        }
        #expect(!sizes.isEmpty, Comment(rawValue: "no create_buffer in GTK's log (\(lines.count) lines)"))
        let bindsFractional = lines.contains { $0.contains("bind(") && $0.contains("\"wp_fractional_scale_manager_v1\"") }
        if bindsFractional {
            // GTK 4.12 or later: preferred_scale 180 is received and buffers are drawn at 1.5× through a viewport.
            #expect(lines.contains { $0.contains("preferred_scale(180)") })
            #expect(lines.contains { $0.contains("set_destination(") })
        } else {
            // GTK 4.8: every surface it draws uses buffer scale 2 (wl_output.scale), so buffers are even-sized
            // (twice the logical size), and Seawall downscales them to 1.5 device pixels per unit.
            #expect(lines.contains { $0.contains("set_buffer_scale(2)") })
            #expect(!lines.contains { $0.contains("set_buffer_scale(1)") })
            #expect(sizes.allSatisfy { $0.0 % 2 == 0 && $0.1 % 2 == 0 },
                    Comment(rawValue: "buffer sizes \(sizes.prefix(8))"))
        }
        try Self.expectMatchesGolden(shot, "app-gtk4-widget-factory-scale1.5", masks: [Self.pulsingProgressBarAtOneAndAHalf])
    }
}
