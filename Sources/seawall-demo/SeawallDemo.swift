// seawall-demo: a Wayland client that draws a deterministic pattern into sealed shared memory.
import ArgumentParser
import Compositor
import DemoClientKit
import Glibc

@main
struct SeawallDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seawall-demo",
        abstract: "Draw a deterministic pattern in a Wayland window backed by a sealed memfd.",
        discussion: """
            PATTERN is one of: solid, gradient, checkerboard (opaque, XRGB8888) or box (a half-transparent \
            box moving inside a transparent window with a grey frame, ARGB8888); --format draws the same \
            pattern in another wl_shm format.

            The client connects to $WAYLAND_DISPLAY (or --socket), opens one xdg_toplevel with the app_id \
            seawall-demo.PATTERN, and draws frame after frame, paced by the compositor's frame callbacks, \
            double-buffered in one memfd sealed with F_SEAL_SHRINK. Frame k always looks the same, so \
            compositor output can be compared with golden images.

            With --frames N it prints "seawall-demo: N frames shown" after the Nth frame callback and exits \
            (with --hold it keeps that frame up, without further commits, until the compositor goes away). \
            --grow-to grows the same memfd and wl_shm_pool, prints "seawall-demo: grew to WxH" and draws on \
            at the new size. With --print-input --resize-on-press EDGE, a button press starts an interactive \
            resize and the client prints "seawall-demo: configured WxH [resizing]" and "seawall-demo: resized \
            to WxH" as it follows the compositor's sizes. SIGINT and SIGTERM end the client cleanly (it disconnects, exit status 0).

            Exit status: 0 done (or stopped by SIGINT/SIGTERM, or the compositor left while holding); \
            1 runtime failure, other protocol error or lost connection; 3 the compositor refused the client's \
            memory (as Seawall does with --unsealed: the compositor's message is printed); 64 bad arguments.
            """)

    @Argument(help: ArgumentHelp("solid, gradient, checkerboard or box.", valueName: "PATTERN"))
    var pattern: Pattern

    @Option(name: .long, help: ArgumentHelp("Window size in pixels.", valueName: "WxH"))
    var size = PixelSize(width: 320, height: 240)

    @Option(name: .long, help: ArgumentHelp("Stop after N frames were shown (0: run until killed).", valueName: "N"))
    var frames: Int = 0

    @Flag(name: .long, help: "After --frames N, keep the last frame up until the compositor goes away or the client is killed.")
    var hold = false

    @Option(name: .customLong("grow-to"), help: ArgumentHelp("Grow the window (and its pool) to this size ...", valueName: "WxH"))
    var growTo: PixelSize?

    @Option(name: .customLong("grow-after"), help: ArgumentHelp("... after N frames were shown.", valueName: "N"))
    var growAfter: Int = 1

    @Flag(name: .customLong("pause-before-grow"), help: "With --grow-to: before growing, print a line and wait for a line on stdin (a harness captures the old size first).")
    var pauseBeforeGrow = false

    @Flag(name: .long, help: "Same as --memfd unsealable: Seawall (by default) refuses the pool; the client prints why and exits 3.")
    var unsealed = false

    @Option(name: .long, help: ArgumentHelp("sealed (F_SEAL_SHRINK), sealable (allows sealing, never sealed, like Mesa) or unsealable (no MFD_ALLOW_SEALING, like GTK3).", valueName: "KIND"))
    var memfd: MemfdKind = .sealed

    @Option(name: .long, help: ArgumentHelp("Colour as RRGGBB hex (solid, checkerboard, box).", valueName: "RRGGBB"))
    var color: HexColor?

    @Option(name: .long, help: ArgumentHelp("Window title.", valueName: "TEXT"))
    var title: String?

    @Flag(name: .long, help: "Ask to be maximized (the demo keeps its own size).")
    var maximized = false

    @Flag(name: .long, help: "Ask to be fullscreen (the demo keeps its own size).")
    var fullscreen = false

    @Flag(name: .customLong("move-on-press"), help: "With --print-input: start an interactive move on each button press.")
    var moveOnPress = false

    @Option(name: .customLong("resize-on-press"), help: ArgumentHelp("With --print-input: start an interactive resize from this edge on each button press (top, bottom, left, right, top-left, top-right, bottom-left, bottom-right), and draw at the sizes the compositor configures.", valueName: "EDGE"))
    var resizeOnPress: ResizeEdge?

    @Flag(name: .customLong("print-input"), help: "Print the pointer events the compositor sends, one line each.")
    var printInput = false

    @Flag(name: .customLong("print-frames"), help: "With --print-input: print each wl_pointer.frame too (\"pointer frame\").")
    var printFrames = false

    @Option(name: .customLong("stall-after-input"), help: ArgumentHelp("With --print-input: after the first button press, key press or touch down, read nothing from the socket for SECONDS (events and pings wait unanswered), then go on.", valueName: "SECONDS"))
    var stallAfterInput: Double?

    @Option(name: .long, help: ArgumentHelp("With --print-input: ask for a persistent pointer lock or confinement on the window and print \"pointer locked\", \"pointer unlocked\", \"pointer confined\", \"pointer unconfined\" and each \"pointer relative DX DY\".", valueName: "lock|confine"))
    var constrain: ConstraintKind?

    @Flag(name: .customLong("print-text"), help: "With --print-input: compile each keymap with libxkbcommon (dlopen) and print \"keyboard text X\" for what each pressed key types.")
    var printText = false

    @Option(name: .long, help: ArgumentHelp("wl_surface.set_buffer_scale N (1 to 4): buffers are N times --size and the pattern is drawn at that resolution, as a HiDPI-aware client does on a scale-N output.", valueName: "N"))
    var scale: Int = 1

    @Flag(name: .long, help: "Draw at the scale wp_fractional_scale_v1 prefers: buffers of --size × preferred/120, shown at --size through a wp_viewport destination (buffer scale 1). Prints \"seawall-demo: preferred scale N/120\".")
    var fractional = false

    @Option(name: .long, help: ArgumentHelp("wp_viewport.set_source: show only this part of the buffer (surface units before scaling; decimals allowed, as wl_fixed).", valueName: "X,Y,WxH"))
    var viewport: ViewportSource?

    @Option(name: .long, help: ArgumentHelp("wp_viewport.set_destination: the window's logical size, the (cropped) buffer stretched to it.", valueName: "WxH"))
    var destination: PixelSize?

    @Option(name: .long, help: ArgumentHelp("wl_shm format of the buffers: \(ShmFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: argb8888 for box, xrgb8888 otherwise). The pattern is the same in every format, down to the format's precision.", valueName: "FORMAT"))
    var format: ShmFormat?

    @Option(name: .long, help: ArgumentHelp("Compositor socket name (default: $WAYLAND_DISPLAY).", valueName: "NAME"))
    var socket: String?

    func validate() throws {
        guard frames >= 0 else { throw ValidationError("--frames must be 0 or more") }
        guard (1...4).contains(scale) else { throw ValidationError("--scale must be 1, 2, 3 or 4") }
        guard growAfter >= 1 else { throw ValidationError("--grow-after must be 1 or more") }
        if hold && frames == 0 { throw ValidationError("--hold needs --frames N") }
        if printText && !printInput { throw ValidationError("--print-text needs --print-input") }
        if (moveOnPress || resizeOnPress != nil) && !printInput {
            throw ValidationError("--move-on-press and --resize-on-press need --print-input (the seat is bound for it)")
        }
        if constrain != nil && !printInput { throw ValidationError("--constrain needs --print-input (the seat is bound for it)") }
        if fractional && (scale != 1 || viewport != nil || destination != nil) {
            throw ValidationError("--fractional sets the buffer size and the viewport itself: not with --scale, --viewport or --destination")
        }
        if fractional && (growTo != nil || resizeOnPress != nil) {
            throw ValidationError("--fractional keeps one size: not with --grow-to or --resize-on-press")
        }
        if printFrames && !printInput { throw ValidationError("--print-frames needs --print-input") }
        if moveOnPress && resizeOnPress != nil { throw ValidationError("choose one of --move-on-press and --resize-on-press") }
        if let stallAfterInput {
            guard printInput else { throw ValidationError("--stall-after-input needs --print-input (the seat is bound for it)") }
            guard stallAfterInput.isFinite, stallAfterInput >= 0, stallAfterInput <= 3600 else {
                throw ValidationError("--stall-after-input takes 0 to 3600 seconds")
            }
        }
        if pauseBeforeGrow && growTo == nil { throw ValidationError("--pause-before-grow needs --grow-to WxH") }
        if let growTo, growTo.width < size.width || growTo.height < size.height {
            throw ValidationError("--grow-to \(growTo.width)x\(growTo.height) must be at least --size \(size.width)x\(size.height): pools only grow")
        }
    }

    func run() throws {
        var options = DemoOptions(pattern: pattern)
        options.width = size.width
        options.height = size.height
        options.frames = frames
        options.hold = hold
        options.growTo = growTo.map { ($0.width, $0.height) }
        options.growAfter = growAfter
        options.pauseBeforeGrow = pauseBeforeGrow
        options.memfd = unsealed ? .unsealable : memfd
        options.color = color?.value
        options.title = title
        options.socket = socket
        options.printInput = printInput
        options.printFrames = printFrames
        options.printText = printText
        options.moveOnPress = moveOnPress
        options.resizeOnPress = resizeOnPress?.wire
        options.maximized = maximized
        options.fullscreen = fullscreen
        options.scale = scale
        options.format = format
        options.fractional = fractional
        options.stallAfterInput = stallAfterInput
        options.constrain = constrain?.kind
        options.viewportSource = viewport.map { ($0.x, $0.y, $0.width, $0.height) }
        options.viewportDestination = destination.map { (Int32($0.width), Int32($0.height)) }
        do {
            let client = try DemoClient(options: options)
            try client.run()
        } catch {
            let line = "seawall-demo: \(error.description)\n"
            _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            throw ExitCode(error.exitStatus)
        }
    }
}

/// xdg_toplevel.resize_edge by name.
enum ResizeEdge: String, CaseIterable, ExpressibleByArgument {
    case top, bottom, left, right
    case topLeft = "top-left", topRight = "top-right", bottomLeft = "bottom-left", bottomRight = "bottom-right"

    var wire: UInt32 {
        switch self {
        case .top: return 1
        case .bottom: return 2
        case .left: return 4
        case .topLeft: return 5
        case .bottomLeft: return 6
        case .right: return 8
        case .topRight: return 9
        case .bottomRight: return 10
        }
    }
}

/// --constrain's values.
enum ConstraintKind: String, CaseIterable, ExpressibleByArgument {
    case lock, confine
    var kind: DemoConstraint.Kind { self == .lock ? .lock : .confine }
}

extension Pattern: ExpressibleByArgument {}
extension MemfdKind: ExpressibleByArgument {}
extension ShmFormat: ExpressibleByArgument {}

extension PixelSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument, maxSide: 8192) }
    public var defaultValueDescription: String { description }
}

/// `X,Y,WxH` in surface units, each a decimal that wl_fixed holds (a multiple of 1/256 is exact).
struct ViewportSource: ExpressibleByArgument {
    let x: Int32, y: Int32, width: Int32, height: Int32
    init?(argument: String) {
        let parts = argument.split(separator: ",")
        guard parts.count == 3 else { return nil }
        let size = parts[2].split(separator: "x")
        guard size.count == 2 else { return nil }
        func fixed(_ text: Substring) -> Int32? {
            guard let value = Double(text), value.isFinite, value >= 0, value < 8_388_607 else { return nil }
            return Int32((value * 256).rounded())
        }
        guard let x = fixed(parts[0]), let y = fixed(parts[1]), let w = fixed(size[0]), let h = fixed(size[1]) else { return nil }
        self.x = x; self.y = y; self.width = w; self.height = h
    }
}

struct HexColor: ExpressibleByArgument {
    let value: UInt32
    init?(argument: String) {
        let digits = argument.hasPrefix("#") ? String(argument.dropFirst()) : argument
        guard digits.count == 6, let v = UInt32(digits, radix: 16) else { return nil }
        value = v
    }
}
