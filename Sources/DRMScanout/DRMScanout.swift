import CDRM
import Compositor
import Glibc
import Render
import Scanout
import SystemCalls

/// Shows frames on a KMS display through two DRM dumb buffers, paced by page flips.
///
/// Frames are composed in system memory (the `OutputImage`) and only damaged rectangles are copied into the
/// back buffer; each buffer remembers what it missed since it was last written (its age), so a rectangle
/// changed while the other buffer was on screen is copied the next time this one is used. The mappings are
/// write-combined and never read. The first frame is shown with drmModeSetCrtc; every frame (the first
/// included, through the second buffer) is then flipped with DRM_MODE_PAGE_FLIP_EVENT, and the flip event is
/// the frame clock. The CRTC found at start is put back in `finish` (or deinit) before the framebuffers go.
public final class DRMScanout: PacedScanoutTarget {
    public let name = "drm"
    public let device: any KMSDevice
    /// The connector, mode and CRTC driven.
    public let choice: DisplayChoice
    /// The CRTC as it was before Seawall took it.
    public let savedCrtc: KMSCrtcState

    public var width: Int { choice.mode.width }
    public var height: Int { choice.mode.height }
    public var eventFileDescriptor: Int32 { device.fileDescriptor }
    public var isBusy: Bool { inFlight != nil }
    public var refreshMillihertz: Int32? { choice.mode.refreshMillihertz }

    /// Counters for the closing summary and the tests.
    public struct Statistics: Equatable {
        public var framesPresented = 0
        public var flipsRequested = 0
        public var flipsCompleted = 0
        /// Pixels copied into dumb buffers.
        public var pixelsCopied: Int64 = 0
        /// Time spent in `present` (copy, DirtyFB, flip request), in nanoseconds.
        public var presentNanoseconds: UInt64 = 0
        public var slowestPresentNanoseconds: UInt64 = 0
        /// The part of it spent copying pixels into the dumb buffers.
        public var copyNanoseconds: UInt64 = 0
        /// Frames copied from a client's buffer itself (direct frames), not from the output image.
        public var directFrames = 0
    }
    public private(set) var statistics = Statistics()
    /// Whether the driver answers drmModeDirtyFB (bochs says ENOSYS: it scans memory out directly).
    public private(set) var dirtySupported = true
    /// Whether the CRTC has a vblank counter (virtio-gpu and bochs answer EOPNOTSUPP: flips complete at once).
    public let hasVblankCounter: Bool

    private struct Slot {
        let framebuffer: any KMSFramebuffer
        /// Output pixels changed since this buffer was last written.
        var missed: Region
    }
    private var slots: [Slot] = []
    /// The slot on screen (nil before the first frame).
    private var front: Int?
    /// The frame whose flip is pending, and its slot.
    private var inFlight: (frame: UInt64, slot: Int)?
    private var restored = false

    /// Opens the card (`--device`, else the first /dev/dri/card*) with libdrm and sets up as below.
    public convenience init(devicePath: String?, connector: String?, mode: ModeRequest?) throws(ScanoutError) {
        let device = try DisplaySetup.openCard(devicePath, cards: LibDRMDevice.cardPaths()) { path throws(SystemError) in
            try LibDRMDevice(path: path)
        }
        try self.init(device: device, connector: connector, mode: mode)
    }

    /// Chooses connector, mode and CRTC, saves the CRTC (`drmModeGetCrtc`) and makes two framebuffers of the
    /// mode's size. `device` must already be usable (`DisplaySetup.openCard`). Nothing is shown until the
    /// first `present`.
    public init(device: any KMSDevice, connector: String?, mode: ModeRequest?) throws(ScanoutError) {
        self.device = device
        let path = device.path
        do {
            let resources = try device.resources()
            choice = try DisplaySetup.choose(resources, connector: connector, mode: mode, path: path)
            savedCrtc = try device.crtcState(choice.crtcID)
        } catch let error as SystemError {
            throw ScanoutError("cannot read the display configuration of \(path): \(error.brief)")
        } catch let error as ScanoutError {
            throw error
        } catch {
            throw ScanoutError("cannot read the display configuration of \(path): \(error)")
        }
        hasVblankCounter = (try? device.vblankSequence(choice.crtcID)) != nil
        let everything = Region(Rect(x: 0, y: 0, width: Int64(choice.mode.width), height: Int64(choice.mode.height)))
        for _ in 0..<2 {
            do {
                slots.append(Slot(framebuffer: try device.makeFramebuffer(width: choice.mode.width, height: choice.mode.height),
                                  missed: everything))
            } catch {
                throw ScanoutError("cannot make a \(choice.mode.width)x\(choice.mode.height) dumb buffer on \(path): \(error.brief)")
            }
        }
    }

    deinit {
        try? restore()
    }

    /// "Virtual-1 1024x768@60 on /dev/dri/card0 (CRTC 36)".
    public var description: String {
        "\(choice.connector.name) \(choice.mode) on \(device.path) (CRTC \(choice.crtcID))"
    }

    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        try present(Pixels(width: image.width, height: image.height, stride: image.stride) { body in image.withPixels(body) },
                    damage: damage, frame: frame)
    }

    /// A direct frame: the damaged rows are copied from the client's buffer straight into the dumb buffer
    /// (one copy, where composing first made two). The buffer is read during this call only.
    public func present(direct: DirectFrame, image: () -> OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        // Pixels that turn out unavailable (never for a buffer the server holds): the composed image instead.
        guard direct.withPixels({ _ in () }) != nil else { return try present(image(), damage: damage, frame: frame) }
        try present(Pixels(width: direct.width, height: direct.height, stride: direct.stride) { body in _ = direct.withPixels(body) },
                    damage: damage, frame: frame)
        statistics.directFrames += 1
    }

    /// What a frame's pixels are: their size, row stride, and a lender (the pointer is valid inside the body).
    private struct Pixels {
        let width: Int, height: Int, stride: Int
        let lend: ((UnsafeRawPointer) -> Void) -> Void
    }

    private func present(_ image: Pixels, damage: Region, frame: UInt64) throws(ScanoutError) {
        precondition(inFlight == nil, "DRMScanout.present while frame \(inFlight?.frame ?? 0) is still in flight")
        guard !restored else { throw ScanoutError("the display on \(device.path) was already given back") }
        guard image.width == width, image.height == height else {
            throw ScanoutError("frame is \(image.width)x\(image.height) but the mode is \(choice.mode)")
        }
        let start = monotonicNanoseconds()
        let bounds = Rect(x: 0, y: 0, width: Int64(width), height: Int64(height))
        for index in slots.indices { slots[index].missed.add(damage.intersection(bounds)) }
        if front == nil {
            // The first frame: complete in buffer 0, shown by a mode set (needs DRM master).
            try write(image, into: 0)
            do {
                try device.setCrtc(choice.crtcID, framebufferID: slots[0].framebuffer.id, x: 0, y: 0,
                                   connectorIDs: [choice.connector.id], mode: choice.mode)
            } catch {
                throw ScanoutError("cannot set mode \(choice.mode) on \(choice.connector.name) (\(device.path)): \(error.brief)")
            }
            front = 0
        }
        // Every frame is a flip to the other buffer, whose event says when it is on screen.
        let back = 1 - (front ?? 0)
        try write(image, into: back)
        do {
            try device.pageFlip(choice.crtcID, framebufferID: slots[back].framebuffer.id)
        } catch {
            throw ScanoutError("page flip on \(device.path) failed: \(error.brief)")
        }
        inFlight = (frame, back)
        statistics.flipsRequested += 1
        statistics.framesPresented += 1
        let spent = monotonicNanoseconds() - start
        statistics.presentNanoseconds += spent
        statistics.slowestPresentNanoseconds = max(statistics.slowestPresentNanoseconds, spent)
    }

    /// Copies what slot `index` missed from `image` (row by row, `memcpy`), then tells the driver which
    /// rectangles changed (`drmModeDirtyFB`; drivers without it say ENOSYS or EOPNOTSUPP, and are not asked again).
    private func write(_ image: Pixels, into index: Int) throws(ScanoutError) {
        let rects = slots[index].missed.simplified(maxRects: 64).rects
        slots[index].missed = Region()
        if rects.isEmpty { return }
        let framebuffer = slots[index].framebuffer
        let pitch = framebuffer.pitch
        let copyStart = monotonicNanoseconds()
        defer { statistics.copyNanoseconds += monotonicNanoseconds() - copyStart }
        image.lend { source in
            framebuffer.withMappedMemory { target in
                for rect in rects {
                    let x = Int(rect.x), bytes = Int(rect.width) * 4
                    for y in Int(rect.y)..<Int(rect.maxY) {
                        memcpy(target + y * pitch + x * 4, source + y * image.stride + x * 4, bytes)
                    }
                }
            }
        }
        statistics.pixelsCopied += rects.reduce(0) { $0 + $1.area }
        guard dirtySupported else { return }
        do {
            try device.markDirty(framebufferID: framebuffer.id, rects)
        } catch where error.errno == ENOSYS || error.errno == EOPNOTSUPP {
            dirtySupported = false
        } catch {
            throw ScanoutError("drmModeDirtyFB on \(device.path) failed: \(error.brief)")
        }
    }

    public func dispatchEvents(_ completed: (_ frame: UInt64, _ nanoseconds: UInt64) -> Void) throws(ScanoutError) {
        let flips: [KMSFlip]
        do {
            flips = try device.readFlipEvents()
        } catch {
            throw ScanoutError("cannot read DRM events from \(device.path): \(error.brief)")
        }
        for flip in flips {
            guard let (frame, slot) = inFlight else { continue }
            inFlight = nil
            front = slot
            statistics.flipsCompleted += 1
            completed(frame, flip.nanoseconds)
        }
    }

    /// Gives the display back (`restore`); no files are written.
    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] {
        try restore()
        return []
    }

    /// Waits briefly for a pending flip, puts the saved CRTC back (`drmModeSetCrtc` with its framebuffer and
    /// mode, or off if it was off), then removes the framebuffers and destroys the dumb buffers. Once only.
    public func restore() throws(ScanoutError) {
        if restored { return }
        restored = true
        var waited = 0
        while inFlight != nil && waited < 50 {
            var pending = pollfd(fd: device.fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&pending, 1, 20) > 0 { try? dispatchEvents { _, _ in } }
            waited += 1
        }
        var failure: ScanoutError?
        if front != nil {
            do {
                if savedCrtc.framebufferID != 0, let mode = savedCrtc.mode {
                    try device.setCrtc(savedCrtc.crtcID, framebufferID: savedCrtc.framebufferID, x: savedCrtc.x,
                                       y: savedCrtc.y, connectorIDs: [choice.connector.id], mode: mode)
                } else {
                    try device.setCrtc(savedCrtc.crtcID, framebufferID: 0, x: 0, y: 0, connectorIDs: [], mode: nil)
                }
            } catch {
                failure = ScanoutError("cannot restore the display of \(device.path) (CRTC \(savedCrtc.crtcID)): \(error.brief)")
            }
        }
        slots = []   // drmModeRmFB, DESTROY_DUMB, munmap: after the CRTC no longer shows them
        front = nil
        if let failure { throw failure }
    }

    /// One line for people: flips, copies and the cost of `present`.
    public var summary: String {
        let s = statistics
        let frames = Double(max(1, s.framesPresented))
        let mean = Double(s.presentNanoseconds) / frames / 1e6, copy = Double(s.copyNanoseconds) / frames / 1e6
        func ms(_ value: Double) -> String {
            let hundredths = Int((value * 100).rounded())
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) ms"
        }
        return "drm: \(s.framesPresented) frames, \(s.flipsRequested) page flips requested, \(s.flipsCompleted) completed; "
            + "present() mean \(ms(mean)) (copying \(ms(copy))), slowest \(ms(Double(s.slowestPresentNanoseconds) / 1e6)); "
            + "\(s.pixelsCopied) pixels copied (\(s.directFrames) direct frames from a client's buffer); DirtyFB \(dirtySupported ? "used" : "not supported (ENOSYS)"); "
            + "vblank counter \(hasVblankCounter ? "present" : "absent")"
    }
}
