// Seawall's configuration: the per-client limits and what the compositor needs at start (the pool policy,
// ShmPolicy, is ClientMemory's).
import ClientMemory
import Compositor

/// Per-client limits on what a client may hold. Exceeding one is a protocol error for that client only.
/// The defaults fit real clients with room to spare (foot maps a 512 MiB sparse pool; toolkits keep a few
/// dozen pools and surfaces).
public struct Limits: Sendable {
    /// Largest buffer width or height accepted by wl_shm_pool.create_buffer.
    public var maxBufferDimension: Int32 = 16384
    /// Live pools per client (each keeps one fd open in Seawall), counting pools whose wl_shm_pool was
    /// destroyed but whose buffers still live.
    public var maxPoolsPerClient: Int = 128
    /// Bytes of pool address space per client (mapped, not touched: pages Seawall does not read cost nothing).
    public var maxPoolBytesPerClient: Int64 = 4 << 30
    /// Live wl_surfaces per client.
    public var maxSurfacesPerClient: Int = 1024
    /// Bytes of Seawall's own copies of a client's surfaces under the copy policy (each surface showing an
    /// unsealed buffer keeps width × height × 4 bytes). Unlike pool address space this is memory Seawall
    /// fills, so it is capped well below it: 256 MiB holds a dozen 4K windows.
    public var maxCopyBytesPerClient: Int64 = 256 << 20
    public init() {}
}

/// Everything the compositor core needs to know at start.
public struct Configuration: Sendable {
    /// The outputs (`--output`, repeated; `--size` and `--scale` give the first), in the order clients see
    /// them (SEAWALL-1, SEAWALL-2, …), each with its device size, scale and place in the layout
    /// (OutputLayout.swift). The first is the default output: frames and last.ppm at the top of --output-dir,
    /// the DRM display, --record.
    public var outputs: [OutputSpec] = [OutputSpec(width: 1280, height: 720)]
    /// The first output's size in device pixels (`--size`, or the DRM mode).
    public var width: Int {
        get { outputs[0].width }
        set { outputs[0].width = newValue }
    }
    public var height: Int {
        get { outputs[0].height }
        set { outputs[0].height = newValue }
    }
    /// Device pixels per logical unit of the first output (`--scale`, 1…4 in 1/120 steps): the scene, windows,
    /// input and configure sizes are in logical coordinates, and the renderer draws them ×scale (HiDPI);
    /// wp_fractional_scale_v1 advertises it exactly.
    public var outputScale: OutputScale {
        get { outputs[0].scale }
        set { outputs[0].scale = newValue }
    }
    /// The integer scale advertised as wl_output.scale: `outputScale` rounded up. Setting it sets an integer
    /// `outputScale`.
    public var scale: Int {
        get { Int(outputScale.wlOutputScale) }
        set { outputScale = OutputScale(integer: newValue) }
    }
    public var refresh: RefreshMode = .interval(hz: 60)
    /// Where frame, presentation and input times come from (`--clock`).
    public var clock: TimeSource = .monotonic
    /// The socket name in $XDG_RUNTIME_DIR; nil picks the first free wayland-N. Ignored if `listen` is false.
    public var socket: String?
    /// Whether to open a listening socket at all (tests may hand in connected fds with `addClient(fd:)`).
    public var listen = true
    public var background: UInt32 = 0xFF20_2830
    public var limits = Limits()
    public var shmPolicy: ShmPolicy = .require
    /// The xdg_wm_base version advertised (1…5). 3 by default: see XdgWmBase.
    public var xdgWmBaseVersion: Int32 = 3
    /// Accept a buffer attached before the first configure was acked instead of posting
    /// xdg_surface.error.unconfigured_buffer, and send the first configure as soon as an xdg role exists.
    /// Off by default; WLCS 1.5's helpers need it (they attach before any commit).
    public var allowBufferBeforeFirstConfigure = false
    /// Offer the virtual-input protocols (zwp_virtual_keyboard_manager_v1, zwlr_virtual_pointer_manager_v1;
    /// `--allow-virtual-input`): any client could then type and click into any other, so it is off by default.
    public var allowVirtualInput = false
    /// Seconds between stats log lines (0: none).
    public var statsInterval: Int = 5
    /// Direct frames: when one opaque client buffer covers the output 1:1 with nothing above it, show that
    /// buffer instead of composing a copy of it (see `DirectFrame`). Off only to compare the two ways (tests).
    public var directFrames = true
    public init() {}

    /// The first output's logical size (its xdg_output.logical_size): device pixels / scale, rounded up.
    public var logicalWidth: Int { Int(outputScale.logicalLength(device: Int64(width))) }
    public var logicalHeight: Int { Int(outputScale.logicalLength(device: Int64(height))) }

    /// The outputs in the layout (`OutputSpec.layout`); the server requires them to be valid.
    public func layout() -> Result<[OutputArea], OutputLayoutError> { OutputSpec.layout(outputs) }
}
