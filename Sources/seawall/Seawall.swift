// seawall: the compositor executable.
//
// This file is meant to be read top to bottom. It parses the command line, builds the pieces —
// a scanout target (where finished frames go), the Wayland server (display, globals, scene, renderer,
// frame clock) — then runs the event loop until SIGINT or SIGTERM, and finally writes the last frame.
// Everything that touches client memory lives in ClientMemory (and WaylandServer speaks for it); nothing here does.
import ArgumentParser
import ClientMemory
import CShims
import Compositor
import DRMScanout
import Glibc
import Logging
import Scanout
import WaylandServer

@main
struct SeawallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seawall",
        abstract: "A headless Wayland compositor that only accepts sealed client memory.",
        discussion: """
            Clients connect on a socket in $XDG_RUNTIME_DIR (printed at start; set WAYLAND_DISPLAY to it). \
            Every wl_shm pool must be a memfd sealed with F_SEAL_SHRINK; other pools are refused with \
            wl_shm.error.invalid_fd and a message saying what is missing. Seawall composes the windows \
            (new ones cascade from the top-left corner) and writes frames to --output-dir. \
            On SIGINT or SIGTERM it writes DIR/last.ppm and DIR/last.png and exits 0.

            With --backend drm, frames go to a display instead: Seawall becomes the card's DRM master, shows \
            the frames in two dumb buffers at the connector's mode (--size is not used), repaints when the \
            previous page flip completed, and on SIGINT or SIGTERM gives the display back as it found it.

            Example:
              seawall --size 800x600 --output-dir /tmp/frames --dump-every 60 &
              WAYLAND_DISPLAY=wayland-1 seawall-demo gradient --frames 120
              seawall --backend drm --device /dev/dri/card0 --mode 1280x720@60
            """)

    @Option(name: .long, help: ArgumentHelp("Socket name in $XDG_RUNTIME_DIR (default: the first free wayland-N).", valueName: "NAME"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Output size in pixels.", valueName: "WxH"))
    var size = PixelSize(width: 1280, height: 720)

    @Option(name: .long, help: ArgumentHelp("Virtual refresh rate in Hz; 0 repaints as soon as a client commits.", valueName: "HZ"))
    var refresh: Int = 60

    @Option(name: .long, help: ArgumentHelp("Where frames go: ppm (files in --output-dir), drm (a display) or null (nowhere).", valueName: "NAME"))
    var backend: Backend = .ppm

    @Option(name: .long, help: ArgumentHelp("With --backend drm: the DRM card (default: the first /dev/dri/card*).", valueName: "PATH"))
    var device: String?

    @Option(name: .long, help: ArgumentHelp("With --backend drm: the connector to drive, e.g. Virtual-1 or HDMI-A-1 (default: the first connected one).", valueName: "NAME"))
    var connector: String?

    @Option(name: .long, help: ArgumentHelp("With --backend drm: the display mode (default: the connector's preferred one).", valueName: "WxH[@HZ]"))
    var mode: ModeRequest?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp("Directory for frames, last.ppm and last.png (created if missing).", valueName: "DIR"))
    var outputDirectory: String = "seawall-output"

    @Option(name: .customLong("dump-every"), help: ArgumentHelp("Also write every Nth frame as frame-NNNNNN.ppm (0: never).", valueName: "N"))
    var dumpEvery: Int = 0

    @Option(name: .customLong("shm-policy"), help: ArgumentHelp(
        "What to do with pools lacking F_SEAL_SHRINK: require (refuse them), autoseal (seal memfds that allow it), copy (never map them; copy damaged rows with pread).",
        valueName: "POLICY"))
    var shmPolicy: ShmPolicy = .require

    @Option(name: .customLong("max-pools"), help: ArgumentHelp("Live wl_shm pools per client.", valueName: "N"))
    var maxPools: Int = Limits().maxPoolsPerClient

    @Option(name: .customLong("max-pool-mib"), help: ArgumentHelp("Pool address space per client, in MiB (pages Seawall does not read cost nothing).", valueName: "MIB"))
    var maxPoolMiB: Int64 = Limits().maxPoolBytesPerClient >> 20

    @Option(name: .customLong("max-buffer-size"), help: ArgumentHelp("Largest buffer width or height, in pixels.", valueName: "PIXELS"))
    var maxBufferSize: Int32 = Limits().maxBufferDimension

    @Option(name: .customLong("max-surfaces"), help: ArgumentHelp("Live wl_surfaces per client.", valueName: "N"))
    var maxSurfaces: Int = Limits().maxSurfacesPerClient

    @Option(name: .customLong("max-copy-mib"), help: ArgumentHelp("With --shm-policy copy: memory for Seawall's copies of a client's unsealed surfaces, in MiB.", valueName: "MIB"))
    var maxCopyMiB: Int64 = Limits().maxCopyBytesPerClient >> 20

    @Option(name: .customLong("xdg-wm-base-version"), help: ArgumentHelp("Highest xdg_wm_base version offered, 1 to 5. 3 by default: weston 10's demo clients abort on version 4's configure_bounds event.", valueName: "N"))
    var xdgWmBaseVersion: Int32 = Configuration().xdgWmBaseVersion

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning or error.", valueName: "LEVEL"))
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...1000).contains(refresh) else {
            throw ValidationError("--refresh must be between 0 and 1000 Hz, not \(refresh)")
        }
        guard dumpEvery >= 0 else { throw ValidationError("--dump-every must be 0 or more, not \(dumpEvery)") }
        guard maxPools >= 1, maxPoolMiB >= 1, maxBufferSize >= 1, maxSurfaces >= 1, maxCopyMiB >= 1 else {
            throw ValidationError("--max-pools, --max-pool-mib, --max-buffer-size, --max-surfaces and --max-copy-mib must be at least 1")
        }
        guard maxPoolMiB <= 1 << 40, maxCopyMiB <= 1 << 40 else {
            throw ValidationError("--max-pool-mib and --max-copy-mib must be at most \(1 << 40)")
        }
        guard (1...5).contains(xdgWmBaseVersion) else {
            throw ValidationError("--xdg-wm-base-version must be between 1 and 5, not \(xdgWmBaseVersion)")
        }
        if backend != .drm && (device != nil || connector != nil || mode != nil) {
            throw ValidationError("--device, --connector and --mode go with --backend drm")
        }
        if let socket, socket.isEmpty || socket.contains("/") {
            throw ValidationError("--socket takes a name inside $XDG_RUNTIME_DIR, like wayland-5, not a path")
        }
    }

    func run() throws {
        // 0. SIGBUS goes back to its default action. Nothing in Seawall wants a SIGBUS handler: client pools are
        //    sealed against shrinking, so reading a mapped pool cannot fault. The Swift runtime installs a
        //    crash-backtrace handler for SIGBUS (and others) at start-up; removing it for SIGBUS means a
        //    fault would end the process plainly instead of being caught — there is nothing to recover.
        //    SIGINT and SIGTERM are reset too: a shell may have started us with them ignored, and ignored
        //    signals never reach the signalfd that step 5 listens on.
        for signal in [SIGBUS, SIGINT, SIGTERM] { _ = sw_signal_set_default(signal) }
        //    Every pool keeps one fd open (to re-check its size on resize), so take all the fds we may have.
        var files = rlimit()
        if getrlimit(RLIMIT_NOFILE_VALUE, &files) == 0 && files.rlim_cur < files.rlim_max {
            files.rlim_cur = files.rlim_max
            _ = setrlimit(RLIMIT_NOFILE_VALUE, &files)
        }

        // 1. Logging: one line per event on stderr; stdout is kept for what a script needs (socket, paths).
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let log = Logger(label: "seawall")

        // 2. Where finished frames go: files, nowhere, or a display. The DRM backend takes the display now
        //    (DRM master, connector, mode, CRTC, two dumb buffers) so that a problem is reported before any
        //    client connects; the output then has the mode's size, and the display's page flips pace it.
        let scanout: ScanoutTarget
        var display: DRMScanout?
        var outputSize = size
        do {
            switch backend {
            case .ppm: scanout = try FileScanout(outputDirectory: outputDirectory, dumpEvery: dumpEvery)
            case .null: scanout = NullScanout()
            case .drm:
                let drm = try DRMScanout(devicePath: device, connector: connector, mode: mode)
                outputSize = PixelSize(width: drm.width, height: drm.height)
                display = drm
                scanout = drm
            }
        } catch {
            fail(backend == .drm ? error.description : "cannot use --output-dir \(outputDirectory): \(error)")
        }

        // 3. The compositor: display + socket, globals, scene, renderer, frame clock.
        var configuration = Configuration()
        configuration.width = outputSize.width
        configuration.height = outputSize.height
        configuration.refresh = display != nil ? .display : refresh == 0 ? .onCommit : .interval(hz: refresh)
        configuration.socket = socket
        configuration.shmPolicy = shmPolicy
        configuration.xdgWmBaseVersion = xdgWmBaseVersion
        configuration.limits.maxPoolsPerClient = maxPools
        configuration.limits.maxPoolBytesPerClient = maxPoolMiB << 20
        configuration.limits.maxBufferDimension = maxBufferSize
        configuration.limits.maxSurfacesPerClient = maxSurfaces
        configuration.limits.maxCopyBytesPerClient = maxCopyMiB << 20
        let server: Server
        do {
            server = try Server(configuration: configuration, scanout: scanout, logger: log)
        } catch {
            fail(error.description)
        }

        // 4. Tell people (and scripts) where to connect. stdout is flushed so a parent can read it at once.
        let socketName = server.socketName ?? "?"
        let runtimeDirectory = (try? Display.runtimeDirectory()) ?? "$XDG_RUNTIME_DIR"
        print("seawall: listening on \(socketName) in \(runtimeDirectory) — run clients with WAYLAND_DISPLAY=\(socketName)")
        if let display {
            print("seawall: \(outputSize), paced by page flips, frames to \(display.description)")
        } else {
            print("seawall: \(size.width)x\(size.height), \(refresh == 0 ? "repaint on commit" : "\(refresh) Hz"), frames to \(backend == .ppm ? outputDirectory : "nowhere")")
        }
        fflush(nil)   // all C streams; stdout is a pipe when a script starts us

        // 5. SIGINT and SIGTERM arrive through a signalfd in the event loop: no signal handler is installed
        //    (and in particular none for SIGBUS — sealed pools cannot shrink under us).
        var stopping = false
        server.display.onSignal(SIGINT) { stopping = true }
        server.display.onSignal(SIGTERM) { stopping = true }

        // 6. Run until told to stop.
        server.run { stopping }
        if let error = server.scanoutError {
            try? display?.restore()   // leave the console as we found it, even after a failed flip
            fail("stopped: scanout failed: \(error)")
        }

        // 7. The last frame, for people (files), or the display given back as it was (DRM: the saved CRTC is
        //    restored, then the framebuffers and dumb buffers are released).
        do {
            for path in try server.finish() { print("seawall: wrote \(path)") }
        } catch {
            fail(display != nil ? "\(error)" : "could not write the last frame: \(error)")
        }
        if let display {
            print("seawall: \(display.summary)")
            print("seawall: restored \(display.choice.connector.name) on CRTC \(display.savedCrtc.crtcID) to \(display.savedCrtc.mode?.description ?? "off")")
            fflush(nil)
        }
        log.info("stopped after \(server.frameCount) frames")
    }
}

/// Prints `seawall: error: …` to stderr and exits 1.
func fail(_ message: String) -> Never {
    let line = "seawall: error: \(message)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(1)
}

extension PixelSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}

/// RLIMIT_NOFILE is imported as an enum case on glibc; the calls want its raw value.
let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

extension ShmPolicy: ExpressibleByArgument {}

enum Backend: String, ExpressibleByArgument, CaseIterable {
    case ppm, null, drm
}

extension ModeRequest: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
