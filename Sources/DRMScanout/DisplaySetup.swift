import CDRM
import Glibc
import Scanout
import SystemCalls

/// `--mode WxH[@HZ]`: the size of a display mode and, optionally, its rate.
public struct ModeRequest: Equatable, CustomStringConvertible {
    public let width: Int
    public let height: Int
    /// nil: any rate (the preferred one if it has this size, else the fastest).
    public let hertz: Int?

    public init(width: Int, height: Int, hertz: Int? = nil) {
        self.width = width; self.height = height; self.hertz = hertz
    }

    /// Parses "1920x1080" or "1920x1080@60".
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "@", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let size = parts[0].split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let w = Int(size[0]), let h = Int(size[1]), (1...16384).contains(w), (1...16384).contains(h)
        else { return nil }
        var hz: Int?
        if parts.count == 2 {
            guard let rate = Int(parts[1]), (1...1000).contains(rate) else { return nil }
            hz = rate
        }
        self.init(width: w, height: h, hertz: hz)
    }

    public var description: String { "\(width)x\(height)" + (hertz.map { "@\($0)" } ?? "") }

    func matches(_ mode: KMSMode) -> Bool {
        mode.width == width && mode.height == height && (hertz == nil || mode.hertz == hertz)
    }
}

/// What the backend drives: a connector, the mode it shows and the CRTC that feeds it.
public struct DisplayChoice: Equatable {
    public let connector: KMSConnector
    public let mode: KMSMode
    public let crtcID: UInt32
}

/// The start-up decisions of the DRM backend, each failure turned into a message a person can act on.
/// Pure functions of what the card reports, so tests check them with a simulated card.
public enum DisplaySetup {
    /// Opens `path` (or the first /dev/dri/card* if nil) with `open`, and checks it can be used: a DRM device
    /// (`drmGetCap` answers), with dumb buffers, and this process its master (`drmSetMaster`).
    public static func openCard(_ path: String?, cards: [String],
                                open: (String) throws(SystemError) -> any KMSDevice) throws(ScanoutError) -> any KMSDevice {
        guard let path = path ?? cards.first else {
            throw ScanoutError("no DRM device: /dev/dri has no card* — no display driver is loaded (modprobe one, e.g. virtio-gpu or bochs), or pass --device PATH")
        }
        let device: any KMSDevice
        do {
            device = try open(path)
        } catch {
            throw openFailure(path, error, cards: cards)
        }
        let dumbBuffers: Bool
        do {
            dumbBuffers = try device.supportsDumbBuffers()
        } catch {
            if error.errno == ENOTTY || error.errno == EINVAL || error.errno == EOPNOTSUPP {
                throw ScanoutError("\(path) is not a DRM device (\(error.brief)); pass a card such as /dev/dri/card0")
            }
            throw ScanoutError("cannot query \(path): \(error.brief)")
        }
        guard dumbBuffers else {
            throw ScanoutError("\(path) does not offer dumb buffers (DRM_CAP_DUMB_BUFFER is 0); Seawall's DRM backend needs them")
        }
        do {
            try device.becomeMaster()
        } catch {
            throw masterFailure(path, error)
        }
        return device
    }

    static func openFailure(_ path: String, _ error: SystemError, cards: [String]) -> ScanoutError {
        let present = cards.isEmpty ? "there is no /dev/dri/card* at all: is a display driver loaded?" : "cards here: " + cards.joined(separator: ", ")
        switch error.errno {
        case ENOENT, ENODEV, ENXIO:
            return ScanoutError("no such DRM device: cannot open \(path): \(error.reason) (\(present))")
        case EACCES, EPERM:
            return ScanoutError("permission denied: cannot open \(path) for reading and writing: \(error.reason) — run Seawall as root or as a member of the group that owns the card (usually video)")
        default:
            return ScanoutError("cannot open \(path): \(error.reason)")
        }
    }

    static func masterFailure(_ path: String, _ error: SystemError) -> ScanoutError {
        switch error.errno {
        case EBUSY, EINVAL:
            return ScanoutError("not DRM master: cannot become master of \(path) (\(error.brief)): another program holds it — a display server (Xorg, weston, another seawall) drives this card; stop it first")
        case EACCES, EPERM:
            return ScanoutError("not DRM master: not allowed to become master of \(path) (\(error.brief)): run Seawall as root, or as the first program to open the card")
        default:
            return ScanoutError("not DRM master: cannot become master of \(path) (\(error.brief))")
        }
    }

    /// Picks the connector (the one named, else the first connected one), its mode (the one asked, else the
    /// preferred one, else the first listed) and a CRTC (the encoder's current one, else the first its
    /// possible_crtcs allows).
    public static func choose(_ resources: KMSResources, connector name: String?, mode request: ModeRequest?,
                              path: String) throws(ScanoutError) -> DisplayChoice {
        let summary = resources.connectors.map { "\($0.name) (\($0.connected ? "connected" : "not connected"))" }
            .joined(separator: ", ")
        let connector: KMSConnector
        if let name {
            guard let named = resources.connectors.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw ScanoutError("\(path) has no connector named \(name); it has: \(summary.isEmpty ? "none" : summary)")
            }
            guard named.connected else {
                throw ScanoutError("no connected connector: \(named.name) on \(path) is not connected (connectors: \(summary))")
            }
            connector = named
        } else {
            guard let first = resources.connectors.first(where: \.connected) else {
                throw ScanoutError("no connected connector on \(path) (connectors: \(summary.isEmpty ? "none" : summary)): plug in a display, or name one with --connector")
            }
            connector = first
        }
        guard !connector.modes.isEmpty else {
            throw ScanoutError("\(connector.name) on \(path) is connected but reports no modes")
        }
        let mode: KMSMode
        if let request {
            let candidates = connector.modes.filter(request.matches)
            guard let best = candidates.first(where: \.isPreferred) ?? candidates.max(by: { $0.hertz < $1.hertz }) else {
                throw ScanoutError("mode \(request) is not available on \(connector.name) (\(path)); its modes: \(modeList(connector.modes))")
            }
            mode = best
        } else {
            mode = connector.modes.first(where: \.isPreferred) ?? connector.modes[0]
        }
        guard let crtc = crtc(for: connector, in: resources) else {
            throw ScanoutError("no CRTC on \(path) can drive \(connector.name)")
        }
        return DisplayChoice(connector: connector, mode: mode, crtcID: crtc)
    }

    /// The CRTC already feeding the connector's encoder, else the first CRTC one of its encoders can use.
    static func crtc(for connector: KMSConnector, in resources: KMSResources) -> UInt32? {
        if let current = resources.encoders.first(where: { $0.id == connector.encoderID }), current.crtcID != 0 {
            return current.crtcID
        }
        for encoderID in connector.encoderIDs {
            guard let encoder = resources.encoders.first(where: { $0.id == encoderID }) else { continue }
            for (index, crtc) in resources.crtcIDs.enumerated() where index < 32 && encoder.possibleCRTCs & (1 << UInt32(index)) != 0 {
                return crtc
            }
        }
        return nil
    }

    /// "1024x768@60 (preferred), 800x600@60, …" without repeats, at most 24.
    static func modeList(_ modes: [KMSMode]) -> String {
        var seen: [String] = []
        for mode in modes {
            let text = mode.description + (mode.isPreferred ? " (preferred)" : "")
            if !seen.contains(text) { seen.append(text) }
        }
        return seen.prefix(24).joined(separator: ", ") + (seen.count > 24 ? ", …" : "")
    }
}
