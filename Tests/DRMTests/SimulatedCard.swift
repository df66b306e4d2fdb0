import Compositor
import DRMScanout
import Glibc
import SystemCalls

/// A KMS card in memory: what `LibDRMDevice` asks the kernel, answered from fields a test sets. Page flips
/// complete when the test says so (or at once with `autoComplete`), through a pipe the server can poll.
final class SimulatedCard: KMSDevice {
    let path: String
    var dumbBuffers = true
    var capabilityError: Int32?
    var masterError: Int32?
    var dirtyError: Int32?
    var vblankError: Int32? = EOPNOTSUPP
    var autoComplete = false
    var resourcesValue: KMSResources
    var saved = KMSCrtcState(crtcID: 40, framebufferID: 7, x: 0, y: 0, mode: KMSMode(width: 1024, height: 768, hertz: 60, preferred: true))

    /// Everything asked of the card, in order: "setCrtc fb=… mode=…", "flip fb=…", "dirty fb=… n", "rmfb …".
    private(set) var calls: [String] = []
    private(set) var dirtyRects: [[Rect]] = []
    /// The live framebuffers (each keeps the card alive, as a dumb buffer keeps its device open).
    var framebuffers: [UInt32: SimulatedFramebuffer] { live.compactMapValues(\.framebuffer) }
    private struct WeakFramebuffer { weak var framebuffer: SimulatedFramebuffer? }
    private var live: [UInt32: WeakFramebuffer] = [:]
    /// The framebuffer a completed flip or mode set put on screen.
    private(set) var onScreen: UInt32 = 7
    private var pendingFlip: UInt32?
    private var nextID: UInt32 = 100
    private var pipeFDs: [Int32] = [-1, -1]
    var fileDescriptor: Int32 { pipeFDs[0] }

    init(path: String = "/dev/dri/card0", connectors: [KMSConnector] = [SimulatedCard.virtual1()]) {
        self.path = path
        resourcesValue = KMSResources(crtcIDs: [40, 41], connectors: connectors,
                                      encoders: [KMSEncoder(id: 30, crtcID: 40, possibleCRTCs: 0b11)])
        _ = pipe(&pipeFDs)
        _ = fcntl(pipeFDs[0], F_SETFL, O_NONBLOCK)
    }
    deinit { close(pipeFDs[0]); close(pipeFDs[1]) }

    static func virtual1(connected: Bool = true, modes: [KMSMode]? = nil) -> KMSConnector {
        KMSConnector(id: 20, name: "Virtual-1", connected: connected,
                     modes: modes ?? [KMSMode(width: 1024, height: 768, hertz: 60, preferred: true),
                                      KMSMode(width: 640, height: 480, hertz: 60), KMSMode(width: 640, height: 480, hertz: 75)],
                     encoderID: 30, encoderIDs: [30])
    }

    func supportsDumbBuffers() throws(SystemError) -> Bool {
        if let capabilityError { throw SystemError("drmGetCap", errno: capabilityError) }
        return dumbBuffers
    }
    func becomeMaster() throws(SystemError) {
        if let masterError { throw SystemError("drmSetMaster", errno: masterError) }
    }
    func resources() throws(SystemError) -> KMSResources { resourcesValue }
    func crtcState(_ crtcID: UInt32) throws(SystemError) -> KMSCrtcState { saved }

    func makeFramebuffer(width: Int, height: Int) throws(SystemError) -> any KMSFramebuffer {
        nextID += 1
        let fb = SimulatedFramebuffer(id: nextID, width: width, height: height, card: self)
        live[nextID] = WeakFramebuffer(framebuffer: fb)
        return fb
    }
    func released(_ id: UInt32) {
        calls.append("rmfb \(id)")
        live[id] = nil
    }

    func setCrtc(_ crtcID: UInt32, framebufferID: UInt32, x: UInt32, y: UInt32, connectorIDs: [UInt32], mode: KMSMode?) throws(SystemError) {
        calls.append("setCrtc fb=\(framebufferID) mode=\(mode?.description ?? "off")")
        onScreen = framebufferID
    }
    func pageFlip(_ crtcID: UInt32, framebufferID: UInt32) throws(SystemError) {
        if pendingFlip != nil { throw SystemError("drmModePageFlip", errno: EBUSY) }
        calls.append("flip fb=\(framebufferID)")
        pendingFlip = framebufferID
        if autoComplete { completeFlip() }
    }
    /// The pending flip reaches the screen: an event becomes readable.
    func completeFlip() {
        var byte: UInt8 = 1
        _ = write(pipeFDs[1], &byte, 1)
    }
    func markDirty(framebufferID: UInt32, _ rects: [Rect]) throws(SystemError) {
        if let dirtyError { throw SystemError("drmModeDirtyFB", errno: dirtyError) }
        calls.append("dirty fb=\(framebufferID) \(rects.count)")
        dirtyRects.append(rects)
    }
    func vblankSequence(_ crtcID: UInt32) throws(SystemError) -> UInt64 {
        if let vblankError { throw SystemError("drmCrtcGetSequence", errno: vblankError) }
        return 1
    }
    func readFlipEvents() throws(SystemError) -> [KMSFlip] {
        var byte: UInt8 = 0
        var flips: [KMSFlip] = []
        while read(pipeFDs[0], &byte, 1) == 1 {
            guard let fb = pendingFlip else { continue }
            pendingFlip = nil
            onScreen = fb
            flips.append(KMSFlip(sequence: 0, nanoseconds: 5_000_000_000 + UInt64(flips.count)))
        }
        return flips
    }

    /// The pixel (x, y) of framebuffer `id` as 0xXXRRGGBB.
    func pixel(_ id: UInt32, x: Int, y: Int) -> UInt32 {
        guard let fb = live[id]?.framebuffer else { return 0xDEAD }
        return fb.withMappedMemory { $0.load(fromByteOffset: y * fb.pitch + x * 4, as: UInt32.self) } & 0xFF_FFFF
    }
}

/// Plain memory with a pitch wider than the row (as kernels return), filled with a marker colour.
final class SimulatedFramebuffer: KMSFramebuffer {
    let id: UInt32
    let width: Int
    let height: Int
    let pitch: Int
    private let memory: UnsafeMutableRawPointer
    private let card: SimulatedCard

    init(id: UInt32, width: Int, height: Int, card: SimulatedCard) {
        self.id = id; self.width = width; self.height = height; self.card = card
        pitch = width * 4 + 256
        memory = UnsafeMutableRawPointer.allocate(byteCount: pitch * height, alignment: 64)
        memory.initializeMemory(as: UInt32.self, repeating: 0x00AB_CDEF, count: pitch * height / 4)
    }
    deinit {
        memory.deallocate()
        card.released(id)
    }
    func withMappedMemory<R>(_ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R { try body(memory) }
}
