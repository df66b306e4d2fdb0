// The options of a compositor run (`seawall serve`, and every subcommand that starts one), checked before
// anything starts, and turned into the server's Configuration.
import ArgumentParser
import ClientMemory
import Compositor
import DRMScanout
import Logging
import Scanout
import WaylandServer

struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Socket name in $XDG_RUNTIME_DIR (default: the first free wayland-N).", valueName: "NAME"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Output size in pixels (default: 1280x720).", valueName: "WxH"))
    var size: PixelSize?

    @Option(name: .long, help: ArgumentHelp("HiDPI output scale, 1 to 4 in steps of 1/120 (1, 1.25, 1.5, 2, …): wp_fractional_scale_v1 advertises it exactly and wl_output.scale rounded up; clients draw buffers N times their logical size, and windows, input and configure sizes are in logical coordinates (--size / N, rounded up); the frames stay --size pixels.", valueName: "N"))
    var scale: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("One output, given once per output instead of --size and --scale: its size in pixels, its scale and its top-left corner in the layout, in logical units (default: right of the previous output; the first at 0,0). Outputs are named SEAWALL-1, SEAWALL-2, … in this order; new windows open on the output under the pointer. With files, the first output's frames go to --output-dir and each other's to --output-dir/SEAWALL-N/. E.g. --output 1280x720 --output 1920x1080@2 puts a HiDPI output, 960x540 logical, right of the first.", valueName: "WxH[@SCALE][+X,Y]"))
    var outputs: [String] = []

    /// --size, or its default.
    var sizeOrDefault: PixelSize { size ?? PixelSize(width: 1280, height: 720) }

    @Option(name: .long, help: ArgumentHelp("Virtual refresh rate in Hz; 0 repaints as soon as a client commits; manual repaints only when `seawall ctl frame` asks.", valueName: "HZ|manual"))
    var refresh: RefreshOption = .hz(60)

    @Option(name: .long, help: ArgumentHelp(
        "Where frame callback, presentation and input times come from: monotonic (the real clock) or virtual (starts at 1 s and advances exactly one refresh period per frame, so apps that animate from those times draw the same frames on every run).",
        valueName: "CLOCK"))
    var clock: TimeSource = .monotonic

    @Option(name: .long, help: ArgumentHelp("Where frames go: ppm (files in --output-dir), drm (a display) or null (nowhere). Default: ppm (under `run`: null unless --output-dir or --dump-every is given).", valueName: "NAME"))
    var backend: Backend?

    @Option(name: .long, help: ArgumentHelp("With --backend drm: the DRM card (default: the first /dev/dri/card*).", valueName: "PATH"))
    var device: String?

    @Option(name: .long, help: ArgumentHelp("With --backend drm: the connector to drive, e.g. Virtual-1 or HDMI-A-1 (default: the first connected one).", valueName: "NAME"))
    var connector: String?

    @Option(name: .long, help: ArgumentHelp("With --backend drm: the display mode (default: the connector's preferred one).", valueName: "WxH[@HZ]"))
    var mode: ModeRequest?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp("Directory for frames, last.ppm and last.png (created if missing; default: seawall-output).", valueName: "DIR"))
    var outputDirectory: String?

    /// --output-dir, or its default.
    var outputDirectoryOrDefault: String { outputDirectory ?? "seawall-output" }

    @Option(name: .customLong("dump-every"), help: ArgumentHelp("Also write every Nth frame as frame-NNNNNN.ppm (0: never).", valueName: "N"))
    var dumpEvery: Int = 0

    @Option(name: .long, help: ArgumentHelp("Record the output as a video (.mkv, .mp4 or .webm; H.264, or VP9 for .webm) through ffmpeg, one video frame per refresh (under --clock virtual or --refresh 0/manual: one per composed frame). Written off the event loop like the frame files; with --backend ppm or null (under `run`, null by default).", valueName: "FILE"))
    var record: String?

    @Option(name: .customLong("shm-policy"), help: ArgumentHelp(
        "What to do with pools lacking F_SEAL_SHRINK: require (refuse them), autoseal (seal memfds that allow it), copy (never map them; copy damaged rows with pread).",
        valueName: "POLICY"))
    var shmPolicy: ShmPolicy = .require

    @Option(name: .customLong("max-pools"), help: ArgumentHelp("Live wl_shm pools per client.", valueName: "N"))
    var maxPools: Int = Limits().maxPoolsPerClient

    @Option(name: .customLong("max-pool-mib"), help: ArgumentHelp("Pool address space per client, in MiB (pages Seawall does not read cost nothing).", valueName: "MIB"))
    var maxPoolMiB: Int64 = Limits().maxPoolBytesPerClient >> 20

    @Option(name: .customLong("max-buffer-size"), help: ArgumentHelp("Largest buffer width or height, in pixels (at most 16384, the default).", valueName: "PIXELS"))
    var maxBufferSize: Int32 = Limits().maxBufferDimension

    @Option(name: .customLong("max-surfaces"), help: ArgumentHelp("Live wl_surfaces per client.", valueName: "N"))
    var maxSurfaces: Int = Limits().maxSurfacesPerClient

    @Option(name: .customLong("max-copy-mib"), help: ArgumentHelp("With --shm-policy copy: memory for Seawall's copies of a client's unsealed surfaces, in MiB.", valueName: "MIB"))
    var maxCopyMiB: Int64 = Limits().maxCopyBytesPerClient >> 20

    @Option(name: .customLong("xdg-wm-base-version"), help: ArgumentHelp("Highest xdg_wm_base version offered, 1 to 5. 3 by default: weston 10's demo clients abort on version 4's configure_bounds event.", valueName: "N"))
    var xdgWmBaseVersion: Int32 = Configuration().xdgWmBaseVersion

    @Flag(name: .customLong("no-pointer"), help: "Leave the pointer out of the seat (wl_seat offers pointer, keyboard and touch by default).")
    var noPointer = false

    @Flag(name: .customLong("no-keyboard"), help: "Leave the keyboard out of the seat (clients get no wl_keyboard: wl-copy and wl-paste then say the seat has no keyboard).")
    var noKeyboard = false

    @Flag(name: .customLong("no-touch"), help: "Leave the touch screen out of the seat.")
    var noTouch = false

    @Flag(name: .customLong("allow-virtual-input"), help: "Offer the virtual keyboard and pointer protocols (zwp_virtual_keyboard_v1, zwlr_virtual_pointer_v1) that wtype, ydotool-style tools and WLCS use. Off by default: any client could then type and click into every other client.")
    var allowVirtualInput = false

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning or error (default: info; under `run`: warning).", valueName: "LEVEL"))
    var logLevel: Logger.Level?

    func validate() throws {
        if case .hz(let hz) = refresh, !(0...1000).contains(hz) {
            throw ValidationError("--refresh must be between 0 and 1000 Hz, or manual, not \(hz)")
        }
        if let scale, case .failure(let error) = OutputScale.parse(scale) { throw ValidationError(error.description) }
        if !outputs.isEmpty {
            if size != nil || scale != nil {
                throw ValidationError("--output gives each output's size and scale (WxH@SCALE): use it instead of --size and --scale")
            }
            if backend == .drm {
                throw ValidationError("--output goes with the ppm or null backend: a DRM display is one output, sized by its mode")
            }
            if case .failure(let error) = OutputSpec.layout(try outputSpecs()) { throw ValidationError(error.description) }
        }
        guard dumpEvery >= 0 else { throw ValidationError("--dump-every must be 0 or more, not \(dumpEvery)") }
        guard maxPools >= 1, maxPoolMiB >= 1, maxBufferSize >= 1, maxSurfaces >= 1, maxCopyMiB >= 1 else {
            throw ValidationError("--max-pools, --max-pool-mib, --max-buffer-size, --max-surfaces and --max-copy-mib must be at least 1")
        }
        guard maxBufferSize <= Limits().maxBufferDimension else {
            throw ValidationError("--max-buffer-size must be at most \(Limits().maxBufferDimension), the largest buffer side Seawall's renderer and its copies handle, not \(maxBufferSize)")
        }
        guard maxPoolMiB <= 1 << 40, maxCopyMiB <= 1 << 40 else {
            throw ValidationError("--max-pool-mib and --max-copy-mib must be at most \(1 << 40)")
        }
        guard (1...5).contains(xdgWmBaseVersion) else {
            throw ValidationError("--xdg-wm-base-version must be between 1 and 5, not \(xdgWmBaseVersion)")
        }
        if backend == .drm && record != nil {
            throw ValidationError("--record goes with the ppm or null backend (a DRM display is watched, not recorded)")
        }
        if backend != .drm && (device != nil || connector != nil || mode != nil) {
            throw ValidationError("--device, --connector and --mode go with --backend drm")
        }
        if let socket, socket.isEmpty || socket.contains("/") {
            throw ValidationError("--socket takes a name inside $XDG_RUNTIME_DIR, like wayland-5, not a path")
        }
    }


    /// `--record`'s video, checked now (name, ffmpeg on PATH): one video frame per tick at --refresh HZ, with
    /// idle ticks repeating the last frame so that the video runs in real time, except under the virtual clock
    /// (and for --refresh 0 or manual, counted at 60 per second), where video frame N is composed frame N.
    func videoRecording() throws(ScanoutError) -> VideoRecording? {
        guard let record else { return nil }
        let hz: Int
        switch refresh {
        case .hz(let rate) where rate > 0: hz = rate
        default: hz = 60
        }
        let realTime = clock == .monotonic && refresh != .hz(0) && refresh != .manual
        return try VideoRecording(path: record, framesPerSecond: hz, repeatsIdleTicks: realTime)
    }

    /// Attaches the seat's input devices: pointer, keyboard and touch unless left out with --no-….
    func attachInputDevices(to seat: Seat) {
        if !noPointer { seat.addPointer() }
        if !noKeyboard { seat.addKeyboard() }
        if !noTouch { seat.addTouch() }
    }

    /// Each --output, parsed (`validate` has checked them).
    func outputSpecs() throws(ValidationError) -> [OutputSpec] {
        var specs: [OutputSpec] = []
        for text in outputs {
            switch OutputSpec.parse(text) {
            case .success(let spec): specs.append(spec)
            case .failure(let error): throw ValidationError(error.description)
            }
        }
        return specs
    }

    /// The server's configuration: the --output list, or one output of `outputSize` (the DRM mode's size, or
    /// --size) at --scale; paced by the display's page flips when `pacedByDisplay`.
    func configuration(outputSize: PixelSize, pacedByDisplay: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.width = outputSize.width
        configuration.height = outputSize.height
        if let scale, case .success(let outputScale) = OutputScale.parse(scale) { configuration.outputScale = outputScale }
        if !outputs.isEmpty, let specs = try? outputSpecs() { configuration.outputs = specs }
        switch refresh {
        case _ where pacedByDisplay: configuration.refresh = .display
        case .manual: configuration.refresh = .manual
        case .hz(0): configuration.refresh = .onCommit
        case .hz(let hz): configuration.refresh = .interval(hz: hz)
        }
        configuration.clock = clock
        configuration.socket = socket
        configuration.shmPolicy = shmPolicy
        configuration.xdgWmBaseVersion = xdgWmBaseVersion
        configuration.allowVirtualInput = allowVirtualInput
        configuration.limits.maxPoolsPerClient = maxPools
        configuration.limits.maxPoolBytesPerClient = maxPoolMiB << 20
        configuration.limits.maxBufferDimension = maxBufferSize
        configuration.limits.maxSurfacesPerClient = maxSurfaces
        configuration.limits.maxCopyBytesPerClient = maxCopyMiB << 20
        return configuration
    }
}

extension TimeSource: ExpressibleByArgument {}

/// `--refresh HZ|manual`.
enum RefreshOption: Equatable, ExpressibleByArgument, CustomStringConvertible {
    case hz(Int)
    /// Frames only when `seawall ctl frame` asks for them.
    case manual

    init?(argument: String) {
        if argument == "manual" { self = .manual } else if let hz = Int(argument) { self = .hz(hz) } else { return nil }
    }

    var description: String {
        switch self {
        case .hz(0): return "repaint on commit"
        case .hz(let hz): return "\(hz) Hz"
        case .manual: return "frames stepped by seawall ctl frame"
        }
    }

    var defaultValueDescription: String { if case .hz(let hz) = self { return String(hz) } else { return "manual" } }
}
