import CDRM
import CDRMShims
import Compositor
import Glibc
import SystemCalls

/// A DRM card opened through libdrm: the real `KMSDevice`. Owns the card's file descriptor, closed with the
/// device (which also gives up DRM master). Framebuffers made here keep the device alive while they exist.
public final class LibDRMDevice: KMSDevice {
    public let path: String
    private let card: OwnedFD
    /// The card's descriptor, lent to libdrm calls and to the event loop; it stays this device's.
    public var fileDescriptor: Int32 { card.rawValue }
    /// Whether flip timestamps are on CLOCK_MONOTONIC (DRM_CAP_TIMESTAMP_MONOTONIC; every kernel since 3.8).
    private let monotonicTimestamps: Bool
    /// Where drmHandleEvent's page-flip handler puts what it reads (the handler is a C function).
    private let collector = FlipCollector()

    /// `open(path, O_RDWR | O_CLOEXEC)`, retried on EINTR. The error carries open's errno (ENOENT, EACCES…).
    public init(path: String) throws(SystemError) {
        let card = try OwnedFD.open(path, O_RDWR | O_CLOEXEC)
        var value: UInt64 = 0
        monotonicTimestamps = drmGetCap(card.rawValue, UInt64(DRM_CAP_TIMESTAMP_MONOTONIC), &value) == 0 && value == 1
        self.path = path
        self.card = card
    }

    /// The DRM cards present, `/dev/dri/card*` in numeric order (`opendir`/`readdir`).
    public static func cardPaths(in directory: String = "/dev/dri") -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var numbers: [Int] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("card"), let n = Int(name.dropFirst(4)) { numbers.append(n) }
        }
        return numbers.sorted().map { "\(directory)/card\($0)" }
    }

    public func supportsDumbBuffers() throws(SystemError) -> Bool {
        var value: UInt64 = 0
        let result = drmGetCap(fileDescriptor, UInt64(DRM_CAP_DUMB_BUFFER), &value)
        if result != 0 { throw .afterLibDRM("drmGetCap", returned: result) }
        return value != 0
    }

    public func becomeMaster() throws(SystemError) {
        if drmIsMaster(fileDescriptor) != 0 { return }
        let result = drmSetMaster(fileDescriptor)
        if result != 0 { throw .afterLibDRM("drmSetMaster", returned: result) }
    }

    public func resources() throws(SystemError) -> KMSResources {
        guard let res = drmModeGetResources(fileDescriptor) else { throw .afterLibDRM("drmModeGetResources", returned: -1) }
        defer { drmModeFreeResources(res) }
        let r = res.pointee
        let crtcs = Array(UnsafeBufferPointer(start: r.crtcs, count: Int(r.count_crtcs)))
        let connectorIDs = Array(UnsafeBufferPointer(start: r.connectors, count: Int(r.count_connectors)))
        let encoderIDs = Array(UnsafeBufferPointer(start: r.encoders, count: Int(r.count_encoders)))
        var connectors: [KMSConnector] = []
        for id in connectorIDs {
            guard let c = drmModeGetConnector(fileDescriptor, id) else { throw .afterLibDRM("drmModeGetConnector", returned: -1) }
            defer { drmModeFreeConnector(c) }
            let p = c.pointee
            let type = drmModeGetConnectorTypeName(p.connector_type).map { String(cString: $0) } ?? "Unknown\(p.connector_type)"
            let modes = UnsafeBufferPointer(start: p.modes, count: Int(p.count_modes)).map(KMSMode.init)
            connectors.append(KMSConnector(
                id: p.connector_id, name: "\(type)-\(p.connector_type_id)",
                connected: p.connection.rawValue == DRM_MODE_CONNECTED.rawValue, modes: modes,
                encoderID: p.encoder_id, encoderIDs: Array(UnsafeBufferPointer(start: p.encoders, count: Int(p.count_encoders)))))
        }
        var encoders: [KMSEncoder] = []
        for id in encoderIDs {
            guard let e = drmModeGetEncoder(fileDescriptor, id) else { throw .afterLibDRM("drmModeGetEncoder", returned: -1) }
            defer { drmModeFreeEncoder(e) }
            encoders.append(KMSEncoder(id: e.pointee.encoder_id, crtcID: e.pointee.crtc_id, possibleCRTCs: e.pointee.possible_crtcs))
        }
        return KMSResources(crtcIDs: crtcs, connectors: connectors, encoders: encoders)
    }

    public func crtcState(_ crtcID: UInt32) throws(SystemError) -> KMSCrtcState {
        guard let crtc = drmModeGetCrtc(fileDescriptor, crtcID) else { throw .afterLibDRM("drmModeGetCrtc", returned: -1) }
        defer { drmModeFreeCrtc(crtc) }
        let c = crtc.pointee
        return KMSCrtcState(crtcID: c.crtc_id, framebufferID: c.buffer_id, x: c.x, y: c.y,
                            mode: c.mode_valid != 0 ? KMSMode(c.mode) : nil)
    }

    public func makeFramebuffer(width: Int, height: Int) throws(SystemError) -> any KMSFramebuffer {
        try DumbFramebuffer(device: self, width: width, height: height)
    }

    public func setCrtc(_ crtcID: UInt32, framebufferID: UInt32, x: UInt32, y: UInt32,
                        connectorIDs: [UInt32], mode: KMSMode?) throws(SystemError) {
        var connectors = connectorIDs
        var info = mode?.info ?? drmModeModeInfo()
        let result = connectors.withUnsafeMutableBufferPointer { ids in
            withUnsafeMutablePointer(to: &info) { modePointer in
                drmModeSetCrtc(fileDescriptor, crtcID, framebufferID, x, y, ids.baseAddress, Int32(ids.count),
                               mode == nil ? nil : modePointer)
            }
        }
        if result != 0 { throw .afterLibDRM("drmModeSetCrtc", returned: result) }
    }

    public func pageFlip(_ crtcID: UInt32, framebufferID: UInt32) throws(SystemError) {
        let result = drmModePageFlip(fileDescriptor, crtcID, framebufferID, UInt32(DRM_MODE_PAGE_FLIP_EVENT),
                                     Unmanaged.passUnretained(collector).toOpaque())
        if result != 0 { throw .afterLibDRM("drmModePageFlip", returned: result) }
    }

    public func markDirty(framebufferID: UInt32, _ rects: [Rect]) throws(SystemError) {
        var clips = rects.map { r in
            drmModeClip(x1: UInt16(clamping: r.x), y1: UInt16(clamping: r.y),
                        x2: UInt16(clamping: r.maxX), y2: UInt16(clamping: r.maxY))
        }
        let result = clips.withUnsafeMutableBufferPointer { buffer in
            drmModeDirtyFB(fileDescriptor, framebufferID, buffer.baseAddress, UInt32(buffer.count))
        }
        if result != 0 { throw .afterLibDRM("drmModeDirtyFB", returned: result) }
    }

    public func vblankSequence(_ crtcID: UInt32) throws(SystemError) -> UInt64 {
        var sequence: UInt64 = 0, ns: UInt64 = 0
        let result = drmCrtcGetSequence(fileDescriptor, crtcID, &sequence, &ns)
        if result != 0 { throw .afterLibDRM("drmCrtcGetSequence", returned: result) }
        return sequence
    }

    public func readFlipEvents() throws(SystemError) -> [KMSFlip] {
        // drmHandleEvent reads with a blocking read(): only call it when an event is there (poll, no wait).
        var pending = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&pending, 1, 0) > 0, pending.revents & Int16(POLLIN) != 0 else { return [] }
        var context = drmEventContext()
        context.version = 2
        context.page_flip_handler = { _, sequence, seconds, microseconds, data in
            guard let data else { return }
            let collector = Unmanaged<FlipCollector>.fromOpaque(data).takeUnretainedValue()
            collector.flips.append(KMSFlip(sequence: sequence,
                                           nanoseconds: UInt64(seconds) * 1_000_000_000 + UInt64(microseconds) * 1000))
        }
        collector.flips = []
        let result = drmHandleEvent(fileDescriptor, &context)
        if result != 0 { throw .afterLibDRM("drmHandleEvent", returned: result) }
        defer { collector.flips = [] }
        if monotonicTimestamps { return collector.flips }
        let now = monotonicNanoseconds()
        return collector.flips.map { KMSFlip(sequence: $0.sequence, nanoseconds: now) }
    }
}

/// Collects the flips drmHandleEvent reports during one call.
private final class FlipCollector {
    var flips: [KMSFlip] = []
}

/// CLOCK_MONOTONIC in nanoseconds (`clock_gettime`).
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// A dumb buffer registered as an XRGB8888 framebuffer and mapped for writing. Everything it holds is released
/// in deinit, in reverse order: `munmap`, `drmModeRmFB`, `drmModeDestroyDumbBuffer`.
final class DumbFramebuffer: KMSFramebuffer {
    let device: LibDRMDevice
    let id: UInt32
    let width: Int
    let height: Int
    let pitch: Int
    private let handle: UInt32
    private let mapping: UnsafeMutableRawPointer
    private let byteCount: Int

    init(device: LibDRMDevice, width: Int, height: Int) throws(SystemError) {
        let fd = device.fileDescriptor
        var handle: UInt32 = 0, pitch: UInt32 = 0, size: UInt64 = 0
        var result = drmModeCreateDumbBuffer(fd, UInt32(width), UInt32(height), 32, 0, &handle, &pitch, &size)
        if result != 0 { throw .afterLibDRM("drmModeCreateDumbBuffer", returned: result) }
        var handles: [UInt32] = [handle, 0, 0, 0], pitches: [UInt32] = [pitch, 0, 0, 0], offsets: [UInt32] = [0, 0, 0, 0]
        var framebuffer: UInt32 = 0
        result = drmModeAddFB2(fd, UInt32(width), UInt32(height), sw_drm_format_xrgb8888(), &handles, &pitches, &offsets,
                               &framebuffer, 0)
        if result != 0 {
            let error = SystemError.afterLibDRM("drmModeAddFB2", returned: result)
            _ = drmModeDestroyDumbBuffer(fd, handle)
            throw error
        }
        var offset: UInt64 = 0
        result = drmModeMapDumbBuffer(fd, handle, &offset)
        var mapped: UnsafeMutableRawPointer? = MAP_FAILED
        if result == 0 { mapped = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, off_t(offset)) }
        guard result == 0, let mapped, mapped != MAP_FAILED else {
            let error = result != 0 ? SystemError.afterLibDRM("drmModeMapDumbBuffer", returned: result) : SystemError("mmap")
            _ = drmModeRmFB(fd, framebuffer)
            _ = drmModeDestroyDumbBuffer(fd, handle)
            throw error
        }
        self.device = device
        self.id = framebuffer
        self.width = width
        self.height = height
        self.pitch = Int(pitch)
        self.handle = handle
        self.mapping = mapped
        self.byteCount = Int(size)
    }

    deinit {
        munmap(mapping, byteCount)
        _ = drmModeRmFB(device.fileDescriptor, id)
        _ = drmModeDestroyDumbBuffer(device.fileDescriptor, handle)
    }

    func withMappedMemory<R>(_ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R {
        try body(mapping)
    }
}
