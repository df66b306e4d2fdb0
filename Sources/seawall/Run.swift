// seawall run: one command under a fresh, private Seawall, like xvfb-run or wlheadless-run.
//
// Seawall starts on a private runtime directory (mkdtemp, mode 0700) with the same start-up as `serve`
// (Startup.swift); COMMAND then runs in a process group of its own with WAYLAND_DISPLAY and XDG_RUNTIME_DIR
// pointing there, and with the environment, fd limit, signal mask and dispositions it would have had
// without Seawall. When COMMAND ends, Seawall stops and COMMAND's status is seawall run's. Optionally an
// Xwayland runs first (RunXwayland.swift) and a screenshot is taken once the output settles (RunScreenshot.swift).
import ArgumentParser
import ClientMemory
import Control
import CShims
import Glibc
import Logging
import Scanout
import WaylandServer

/// The exit statuses of `seawall run` for its own failures: outside what a command's own exit and a
/// signal death (128 + N, at most 192) give, except 126/127 which mean what they mean in a shell.
enum RunStatus {
    /// Bad flags (ArgumentParser's EX_USAGE, as `seawall serve`).
    static let usage: Int32 = 64
    /// COMMAND was found but could not be executed (permission, not a program).
    static let cannotExecute: Int32 = 126
    /// COMMAND was not found.
    static let notFound: Int32 = 127
    /// Seawall could not start: the private runtime directory, the socket, --output-dir, the backend.
    static let seawallDidNotStart: Int32 = 200
    /// --xwayland: Xwayland is missing, failed to start, or died while COMMAND ran.
    static let xwaylandFailed: Int32 = 201
    /// Seawall failed while COMMAND ran (its scanout failed): COMMAND's process group was killed.
    static let seawallFailed: Int32 = 202
    /// --screenshot could not be written (COMMAND's own status is printed with the error).
    static let screenshotFailed: Int32 = 203
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run COMMAND under a fresh, private Seawall and exit with COMMAND's status (like xvfb-run).",
        usage: "seawall run [OPTIONS] [--xwayland] [--screenshot FILE] -- COMMAND [ARGS...]",
        discussion: """
            Seawall listens on a private runtime directory (a new mode-0700 directory, removed at the end). \
            COMMAND runs in a process group of its own with WAYLAND_DISPLAY and XDG_RUNTIME_DIR set to it, \
            SEAWALL_CTL set to DIR/SOCKET.ctl (Seawall's control socket), DISPLAY set by --xwayland (and \
            removed otherwise, so that the command cannot reach another display), and otherwise the \
            environment, soft fd limit, signal mask and ignored signals it would have had without Seawall. \
            When COMMAND exits, Seawall stops; SIGINT, SIGTERM and SIGHUP sent to seawall run are passed on \
            to COMMAND's process group. Seawall logs to stderr at warning level here (--verbose: info). \
            Frames go nowhere unless --output-dir or --dump-every is given.

            A pool refused under the default --shm-policy require is reported once per client on stderr, \
            with the policy that would accept it (autoseal for a memfd that allows sealing, copy otherwise).

            Exit status: COMMAND's own; 128+N if a signal N ended it; otherwise
              64   bad options, or no COMMAND after --
              126  COMMAND cannot be executed
              127  COMMAND not found
              200  Seawall could not start (runtime dir, socket, output)
              201  --xwayland: Xwayland missing, not ready, or died
              202  Seawall failed while COMMAND ran (COMMAND killed)
              203  --screenshot could not be written
            Each of Seawall's own errors is one line on stderr starting with "seawall run:".

            Examples:
              seawall run -- ./my-gtk-test --run-all
              seawall run --size 800x600 --screenshot shot.png -- my-app
              seawall run --xwayland --screenshot clock.png -- xclock
            """)

    @OptionGroup var options: ServerOptions

    @Flag(name: .long, help: "Start a rootful Xwayland (-shm) sized to the output first and set DISPLAY for COMMAND.")
    var xwayland = false

    @Option(name: .long, help: ArgumentHelp(
        "Write the output (PNG if FILE ends in .png, PPM otherwise) once it has settled, or at the latest when COMMAND exits. With several outputs (--output), every output laid out as `seawall ctl screenshot` does without --output.",
        valueName: "FILE"))
    var screenshot: String?

    @Option(name: .customLong("settle-ms"), help: ArgumentHelp(
        "With --screenshot: the output has settled when no commit changed it for this long after COMMAND's first change.",
        valueName: "MS"))
    var settleMilliseconds: Int = 500

    @Flag(name: .long, help: "Log at info level (--log-level sets any level).")
    var verbose = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after --.", valueName: "COMMAND"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else {
            throw ValidationError("give the command to run after --, e.g. seawall run -- my-app --test")
        }
        guard (1...600_000).contains(settleMilliseconds) else {
            throw ValidationError("--settle-ms must be between 1 and 600000, not \(settleMilliseconds)")
        }
        if xwayland && options.backend == .drm {
            throw ValidationError("--xwayland goes with the ppm or null backend")
        }
    }

    func run() throws {
        // What COMMAND must get back: read before Seawall changes anything.
        let caller = CallerState.capture()
        Startup.prepareProcess()
        let log = Startup.bootstrapLogging(level: options.logLevel ?? (verbose ? .info : .warning))
        let backend = options.backend ?? (options.outputDirectory != nil || options.dumpEvery > 0 ? .ppm : .null)
        let session = RunSession(run: self, caller: caller, log: log)
        let status = session.run(backend: backend)
        throw ExitCode(status)
    }
}

/// The signal mask, ignored signals and soft fd limit seawall run was started with: COMMAND gets them back.
struct CallerState {
    var mask = sigset_t()
    var ignored = sigset_t()
    var fileLimit: UInt64 = 1024

    static func capture() -> CallerState {
        var state = CallerState()
        sigemptyset(&state.mask)
        sigemptyset(&state.ignored)
        _ = sigprocmask(SIG_SETMASK, nil, &state.mask)
        for signal in 1..<Int32(65) where sw_signal_disposition(signal) == 1 { sigaddset(&state.ignored, signal) }
        var files = rlimit()
        if getrlimit(RLIMIT_NOFILE_VALUE, &files) == 0 { state.fileLimit = UInt64(files.rlim_cur) }
        return state
    }
}

/// Why a program could not be started: the exec's errno.
struct SpawnFailure: Error {
    let errno: Int32
    var reason: String { String(cString: strerror(errno)) }
}

/// One `seawall run`: the private directory, the compositor, COMMAND (and Xwayland), until COMMAND ends.
final class RunSession {
    let options: Run
    let caller: CallerState
    let log: Logger
    private(set) var runtimeDirectory: String?
    private var children: [pid_t: Int32] = [:]   // reaped children: pid → status (exit code or 128+N)
    private var commandPID: pid_t?
    private var refusedClients = Set<String>()

    init(run: Run, caller: CallerState, log: Logger) {
        options = run
        self.caller = caller
        self.log = log
    }

    /// Prints `seawall run: MESSAGE` on stderr.
    static func say(_ message: String) {
        let line = "seawall run: \(message)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    /// Everything, in order; returns the exit status. The private directory is removed on every path.
    func run(backend: Backend) -> Int32 {
        defer { removeRuntimeDirectory() }
        do {
            runtimeDirectory = try Self.makePrivateDirectory()
        } catch {
            Self.say("error: cannot make a private runtime directory: \(error.reason)")
            return RunStatus.seawallDidNotStart
        }
        setenv("XDG_RUNTIME_DIR", runtimeDirectory ?? "", 1)
        let started: StartedCompositor
        do {
            started = try Startup.start(options.options, backend: backend, log: log)
        } catch {
            Self.say("error: \(error.description)")
            return RunStatus.seawallDidNotStart
        }
        return serve(started)
    }

    private func serve(_ started: StartedCompositor) -> Int32 {
        let server = started.server
        let socket = server.socketName ?? "wayland-0"
        let directory = runtimeDirectory ?? ""
        log.info("listening on \(socket) in \(directory)")

        server.onPoolRefused = { [unowned self] refusal in self.reportRefusal(refusal) }
        // The control socket COMMAND finds through SEAWALL_CTL (`seawall ctl`: windows, screenshots, waits).
        let control = ControlService(server: server)
        let controlSocket: ControlSocket
        do {
            controlSocket = try ControlSocket(path: "\(directory)/\(socket).ctl", display: server.display,
                                              router: control.router, log: log)
        } catch {
            Self.say("error: \(error.description)")
            return RunStatus.seawallDidNotStart
        }
        defer { withExtendedLifetime(controlSocket) {} }
        // Children are reaped through a signalfd: SIGCHLD must be blocked (by adding it) before any child exists.
        server.display.onSignal(SIGCHLD) { [unowned self] in self.reapChildren() }
        var forwarded: Int32?
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            server.display.onSignal(signal) { [unowned self] in
                forwarded = signal
                if let pid = self.commandPID, self.children[pid] == nil { kill(-pid, signal) }
            }
        }

        var environment = Self.callerEnvironment(removing: ["WAYLAND_DISPLAY", "WAYLAND_SOCKET", "XDG_RUNTIME_DIR",
                                                            "DISPLAY", "SEAWALL_CTL"])
        environment += ["XDG_RUNTIME_DIR=\(directory)", "WAYLAND_DISPLAY=\(socket)",
                        "SEAWALL_CTL=\(directory)/\(socket).ctl"]

        var xserver: XwaylandServer?
        if options.xwayland {
            do {
                let started = try XwaylandServer.start(session: self, server: server, environment: environment)
                environment = environment.filter { !$0.hasPrefix("XAUTHORITY=") }
                environment += started.environment
                xserver = started
            } catch {
                Self.say("error: \(error.description)")
                return RunStatus.xwaylandFailed
            }
        }
        defer { xserver?.stop(session: self) }

        let watcher = options.screenshot.map {
            ScreenshotWatcher(path: $0, server: server, settleMilliseconds: options.settleMilliseconds, log: log)
        }

        let pid: pid_t
        do {
            pid = try spawn(options.command, environment: environment)
        } catch {
            let name = options.command[0]
            if error.errno == ENOENT {
                Self.say("\(name): command not found")
                return RunStatus.notFound
            }
            Self.say("\(name): cannot execute: \(error.reason)")
            return RunStatus.cannotExecute
        }
        commandPID = pid
        watcher?.commandStarted()
        reapChildren()

        var xwaylandDied: Int32?
        server.run {
            if let xpid = xserver?.pid, let status = children[xpid] { xwaylandDied = status; return true }
            return children[pid] != nil
        }

        if let xwaylandDied, children[pid] == nil {
            Self.say("error: Xwayland exited (status \(xwaylandDied)) while \(options.command[0]) ran; stopping it")
            killGroup(pid)
            return RunStatus.xwaylandFailed
        }
        if let error = server.scanoutError {
            Self.say("error: Seawall stopped: scanout failed: \(error); stopping \(options.command[0])")
            killGroup(pid)
            try? started.display?.restore()
            return RunStatus.seawallFailed
        }
        let status = children[pid] ?? 1
        // COMMAND's leader is gone; whatever it left running in its group goes with Seawall.
        kill(-pid, SIGTERM)
        if let forwarded { log.info("COMMAND ended after signal \(forwarded)") }

        var screenshotFailed = false
        if let watcher {
            do {
                try watcher.commandExited()
            } catch {
                Self.say("error: \(error) (\(options.command[0]) exited with status \(status))")
                screenshotFailed = true
            }
        }
        do {
            for path in try server.finish() { log.info("wrote \(path)") }
            if let summary = server.scanoutDelaySummary { log.warning("\(summary)") }
        } catch {
            Self.say("warning: could not write the last frame: \(error)")
        }
        try? started.display?.restore()
        return screenshotFailed ? RunStatus.screenshotFailed : status
    }

    // MARK: Children

    /// Starts `argv` with `environment` and the caller's mask, ignored signals and fd limit, in its own
    /// process group (`sw_spawn`). `keep` stays open in the child; `stderr` becomes its stderr.
    func spawn(_ argv: [String], environment: [String], keep: Int32 = -1, stderr: Int32 = -1) throws(SpawnFailure) -> pid_t {
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup($0) } + [nil]
        defer { for p in arguments { free(p) }; for p in variables { free(p) } }
        var mask = caller.mask, ignored = caller.ignored
        let pid = sw_spawn(argv[0], arguments, variables, &mask, &ignored, caller.fileLimit, keep, stderr)
        if pid < 0 { throw SpawnFailure(errno: errno) }
        return pid
    }

    /// Collects every child that ended (`waitpid` WNOHANG) with its status as a shell reports it.
    func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { return }
            children[pid] = Self.shellStatus(status)
        }
    }

    /// A wait status as a shell reports it: the exit code, or 128 + N for signal N. (WIFEXITED,
    /// WEXITSTATUS and WTERMSIG are macros Swift does not import.)
    static func shellStatus(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The status of a reaped child, if it ended.
    func status(of pid: pid_t) -> Int32? { children[pid] }

    /// Waits up to `seconds` for `pid` to end (without the event loop: Seawall is stopping).
    @discardableResult
    func waitFor(_ pid: pid_t, seconds: Double) -> Bool {
        let deadline = Self.now() + seconds
        while children[pid] == nil {
            var status: Int32 = 0
            let got = waitpid(pid, &status, WNOHANG)
            if got == pid { children[pid] = Self.shellStatus(status); break }
            if got < 0 || Self.now() > deadline { return children[pid] != nil }
            usleep(10_000)
        }
        return true
    }

    /// SIGTERM to the process group, SIGKILL after 2 s.
    func killGroup(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        if !waitFor(pid, seconds: 2) {
            kill(-pid, SIGKILL)
            waitFor(pid, seconds: 2)
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    // MARK: Pools refused

    private func reportRefusal(_ refusal: PoolRefusal) {
        let key = refusal.pid > 0 ? "pid \(refusal.pid)" : refusal.client
        guard refusedClients.insert(key).inserted else { return }
        if let policy = refusal.acceptingPolicy {
            Self.say("\(refusal.client): pool refused (\(refusal.reason)); run with --shm-policy \(policy) to accept it")
        } else {
            Self.say("\(refusal.client): pool refused (\(refusal.reason))")
        }
    }

    // MARK: Environment and the private directory

    /// The caller's environment without the `removing` variables.
    static func callerEnvironment(removing names: Set<String>) -> [String] {
        var result: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
            if !names.contains(name) { result.append(text) }
            cursor += 1
        }
        return result
    }

    /// `mkdtemp` in $TMPDIR (or /tmp): a new directory, mode 0700.
    static func makePrivateDirectory() throws(SpawnFailure) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/seawall-run.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let start = buffer.baseAddress, mkdtemp(start) != nil else { return nil }
            return String(cString: start)
        }
        guard let made else { throw SpawnFailure(errno: errno) }
        return made
    }

    /// Removes the private directory and what Seawall, Xwayland and COMMAND left in it (one level: sockets,
    /// lock files, the X authority file; a subdirectory COMMAND made is emptied recursively).
    private func removeRuntimeDirectory() {
        guard let runtimeDirectory else { return }
        Self.removeTree(runtimeDirectory)
        self.runtimeDirectory = nil
    }

    static func removeTree(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                var st = stat()
                if lstat(child, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}
