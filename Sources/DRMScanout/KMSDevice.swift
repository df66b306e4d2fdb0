import CDRM
import Compositor
import Glibc
import SystemCalls

extension SystemError {
    /// The errno after a failed libdrm call. Calls that go through libdrm's DRM_IOCTL return -errno and leave
    /// errno set; drmIoctl-based calls return -1 with errno set. Read errno first, the return value as a fallback.
    static func afterLibDRM(_ call: String, returned result: Int32) -> SystemError {
        let code = Glibc.errno
        return SystemError(call, errno: code != 0 ? code : (result < -1 ? -result : EIO))
    }
}

/// One display mode (`drmModeModeInfo`) and what Seawall needs to know about it.
public struct KMSMode: Equatable, CustomStringConvertible {
    /// The kernel's mode, handed back unchanged to drmModeSetCrtc.
    public let info: drmModeModeInfo
    public var width: Int { Int(info.hdisplay) }
    public var height: Int { Int(info.vdisplay) }
    /// Whether the connector marks it preferred (DRM_MODE_TYPE_PREFERRED).
    public var isPreferred: Bool { info.type & UInt32(DRM_MODE_TYPE_PREFERRED) != 0 }
    /// The nominal rate in Hz (`vrefresh`).
    public var hertz: Int { Int(info.vrefresh) }

    public init(_ info: drmModeModeInfo) { self.info = info }

    /// A mode with these timings, for tests and simulated devices: `htotal`×`vtotal` = size + 10 %, clock
    /// chosen for `hertz`.
    public init(width: Int, height: Int, hertz: Int, preferred: Bool = false) {
        var info = drmModeModeInfo()
        info.hdisplay = UInt16(width); info.vdisplay = UInt16(height)
        info.htotal = UInt16(width + width / 10); info.vtotal = UInt16(height + height / 10)
        info.clock = UInt32(Int(info.htotal) * Int(info.vtotal) * hertz / 1000)
        info.vrefresh = UInt32(hertz)
        info.type = preferred ? UInt32(DRM_MODE_TYPE_PREFERRED | DRM_MODE_TYPE_DRIVER) : UInt32(DRM_MODE_TYPE_DRIVER)
        let name = "\(width)x\(height)"
        withUnsafeMutableBytes(of: &info.name) { bytes in
            for (i, byte) in name.utf8.prefix(bytes.count - 1).enumerated() { bytes[i] = byte }
        }
        self.info = info
    }

    /// The exact refresh rate in mHz from the timings: clock (kHz) × 10⁶ / (htotal × vtotal), halved for
    /// double scan and doubled for interlace (as the kernel's drm_mode_vrefresh does). nil without timings.
    public var refreshMillihertz: Int32? {
        var total = Int64(info.htotal) * Int64(info.vtotal)
        if info.flags & UInt32(DRM_MODE_FLAG_DBLSCAN) != 0 { total *= 2 }
        if info.vscan > 1 { total *= Int64(info.vscan) }
        guard total > 0, info.clock > 0 else { return info.vrefresh > 0 ? Int32(info.vrefresh) * 1000 : nil }
        var rate = (Int64(info.clock) * 1_000_000 + total / 2) / total
        if info.flags & UInt32(DRM_MODE_FLAG_INTERLACE) != 0 { rate *= 2 }
        return Int32(clamping: rate)
    }

    /// "1024x768@60".
    public var description: String { "\(width)x\(height)@\(hertz)" }

    public static func == (a: KMSMode, b: KMSMode) -> Bool {
        withUnsafeBytes(of: a.info) { x in withUnsafeBytes(of: b.info) { y in x.elementsEqual(y) } }
    }
}

/// A connector (`drmModeConnector`): an output socket and the modes of what is plugged into it.
public struct KMSConnector: Equatable {
    public let id: UInt32
    /// "Virtual-1", "HDMI-A-2": the type name (drmModeGetConnectorTypeName) and the per-type index.
    public let name: String
    public let connected: Bool
    /// The modes the kernel lists, in its order.
    public let modes: [KMSMode]
    /// The encoder currently attached (0: none).
    public let encoderID: UInt32
    /// Every encoder that can drive it.
    public let encoderIDs: [UInt32]

    public init(id: UInt32, name: String, connected: Bool, modes: [KMSMode], encoderID: UInt32, encoderIDs: [UInt32]) {
        self.id = id; self.name = name; self.connected = connected; self.modes = modes
        self.encoderID = encoderID; self.encoderIDs = encoderIDs
    }
}

/// An encoder (`drmModeEncoder`): which CRTC it is attached to and which it could be.
public struct KMSEncoder: Equatable {
    public let id: UInt32
    /// The CRTC it currently feeds (0: none).
    public let crtcID: UInt32
    /// Bit i set: the i-th CRTC of the card's resources can feed it.
    public let possibleCRTCs: UInt32

    public init(id: UInt32, crtcID: UInt32, possibleCRTCs: UInt32) {
        self.id = id; self.crtcID = crtcID; self.possibleCRTCs = possibleCRTCs
    }
}

/// What the card has (`drmModeGetResources` and one drmModeGetConnector/drmModeGetEncoder per id).
public struct KMSResources: Equatable {
    /// CRTC ids in the kernel's order (the order possible_crtcs bits refer to).
    public let crtcIDs: [UInt32]
    public let connectors: [KMSConnector]
    public let encoders: [KMSEncoder]

    public init(crtcIDs: [UInt32], connectors: [KMSConnector], encoders: [KMSEncoder]) {
        self.crtcIDs = crtcIDs; self.connectors = connectors; self.encoders = encoders
    }
}

/// A CRTC's configuration as found at start (`drmModeGetCrtc`), put back on exit.
public struct KMSCrtcState: Equatable {
    public let crtcID: UInt32
    /// The framebuffer it scanned out (0: none, the CRTC was off).
    public let framebufferID: UInt32
    public let x: UInt32
    public let y: UInt32
    /// nil: the CRTC had no mode (it was off).
    public let mode: KMSMode?

    public init(crtcID: UInt32, framebufferID: UInt32, x: UInt32, y: UInt32, mode: KMSMode?) {
        self.crtcID = crtcID; self.framebufferID = framebufferID; self.x = x; self.y = y; self.mode = mode
    }
}

/// A framebuffer the CRTC can scan out, with CPU-writable memory behind it (a dumb buffer, or plain memory
/// in a simulated device). Released (drmModeRmFB, DRM_IOCTL_MODE_DESTROY_DUMB, munmap) when the object dies.
public protocol KMSFramebuffer: AnyObject {
    /// The framebuffer id (drmModeAddFB2) for drmModeSetCrtc and drmModePageFlip.
    var id: UInt32 { get }
    var width: Int { get }
    var height: Int { get }
    /// Bytes per row, as the kernel chose it.
    var pitch: Int { get }
    /// Lends the first byte of the mapping for writing. Write-combined memory: never read it.
    func withMappedMemory<R>(_ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R
}

/// A page flip that completed: when the new framebuffer reached the screen.
public struct KMSFlip: Equatable {
    /// The vblank counter at the flip (0 on drivers without one).
    public let sequence: UInt32
    /// The time the flip took effect on CLOCK_MONOTONIC, in nanoseconds.
    public let nanoseconds: UInt64

    public init(sequence: UInt32, nanoseconds: UInt64) { self.sequence = sequence; self.nanoseconds = nanoseconds }
}

/// The KMS operations the DRM backend uses, one method per libdrm call. `LibDRMDevice` makes them on a real
/// card; tests supply a simulated card to check the choices and the error messages without one.
public protocol KMSDevice: AnyObject {
    /// The device path, for messages.
    var path: String { get }
    /// What to poll for page-flip events.
    var fileDescriptor: Int32 { get }
    /// `drmGetCap(DRM_CAP_DUMB_BUFFER)`.
    func supportsDumbBuffers() throws(SystemError) -> Bool
    /// `drmSetMaster`, unless `drmIsMaster` already says so.
    func becomeMaster() throws(SystemError)
    /// `drmModeGetResources`, then every connector and encoder.
    func resources() throws(SystemError) -> KMSResources
    /// `drmModeGetCrtc`.
    func crtcState(_ crtcID: UInt32) throws(SystemError) -> KMSCrtcState
    /// `drmModeCreateDumbBuffer` (32 bpp), `drmModeAddFB2` (XRGB8888, the returned pitch),
    /// `drmModeMapDumbBuffer` and `mmap`.
    func makeFramebuffer(width: Int, height: Int) throws(SystemError) -> any KMSFramebuffer
    /// `drmModeSetCrtc`: show `framebufferID` (0 with a nil mode: switch the CRTC off) on `connectorIDs`.
    func setCrtc(_ crtcID: UInt32, framebufferID: UInt32, x: UInt32, y: UInt32,
                 connectorIDs: [UInt32], mode: KMSMode?) throws(SystemError)
    /// `drmModePageFlip` with DRM_MODE_PAGE_FLIP_EVENT.
    func pageFlip(_ crtcID: UInt32, framebufferID: UInt32) throws(SystemError)
    /// `drmModeDirtyFB` with the rectangles written.
    func markDirty(framebufferID: UInt32, _ rects: [Rect]) throws(SystemError)
    /// `drmCrtcGetSequence`: the CRTC's vblank counter (EOPNOTSUPP on drivers without one).
    func vblankSequence(_ crtcID: UInt32) throws(SystemError) -> UInt64
    /// `drmHandleEvent`: reads the pending events and returns the completed flips.
    func readFlipEvents() throws(SystemError) -> [KMSFlip]
}
