/// Random argument values: mostly plausible ones (small numbers, sizes near the boundaries a check looks at,
/// live objects of the right interface, fresh ids), with extremes and wrong kinds mixed in.
struct ArgumentMaker {
    let random: FuzzRandom
    /// Files made for the request being built; the caller sends and then closes them.
    var files: [MadeFile] = []

    /// Mostly small positive numbers (for careful connections).
    let gentle: Bool

    init(random: FuzzRandom, gentle: Bool = false) {
        self.random = random
        self.gentle = gentle
    }

    static let boundaryInts: [Int32] = [
        0, 1, -1, 2, Int32.min, Int32.max, Int32.min + 1, Int32.max - 1, 4096, 4095, 4097, 65535, 65536,
        1 << 30, 16384, 16385, 32767, 32768, -32768, 0x7fff_fff0,
    ]

    mutating func int(near size: Int64? = nil) -> Int32 {
        if let size, random.percent(50) {
            let delta = Int64(random.pick([0, 0, 0, -1, 1, -4, 4, -4096, 4096]))
            return Int32(truncatingIfNeeded: size + delta)
        }
        if gentle && random.percent(90) { return Int32(random.within(0...512)) }
        switch random.weighted([30, 20, 25, 10, 5]) {
        case 0: return Int32(random.within(-4...16))
        case 1: return random.pick(ArgumentMaker.boundaryInts)
        case 2: return Int32(random.below(2049))
        case 3: return Int32(bitPattern: random.u32())
        default: return -Int32(random.below(4097))
        }
    }

    mutating func uint(recent: [UInt32], liveIDs: [UInt32]) -> UInt32 {
        switch random.weighted([40, 20, 15, 10, 5, 10]) {
        case 0: return UInt32(random.below(11))
        case 1 where !recent.isEmpty: return random.pick(recent)
        case 2: return random.pick([0, UInt32.max, 0x8000_0000, 0x3432_5241, 0x3432_5258, 0x3231_5659, 1, 2, 4, 8, 15, 16])
        case 4 where !liveIDs.isEmpty: return random.pick(liveIDs)
        case 5: return UInt32(random.below(64))
        default: return random.u32()
        }
    }

    mutating func fixed() -> Int32 {
        random.percent(70) ? Int32(truncatingIfNeeded: Int64(int()) << 8) : Int32(bitPattern: random.u32())
    }

    mutating func string(nullable: Bool) -> [UInt8]? {
        switch random.weighted([8, 8, 55, 10, 12, 7]) {
        case 0 where nullable: return nil
        case 0, 1: return []
        case 2:
            let words = ["fuzz", "wl_surface", "xdg_toplevel", "org.example.App", "Seawall", "é✓", "wl_compositor",
                         "wl_shm", "wl_output", "wl_seat", "xdg_wm_base", "wp_presentation", "%s%n%x"]
            return Array(random.pick(words).utf8)
        case 3: return (0..<random.within(200...900)).map { _ in UInt8(random.within(0x20...0x7e)) }
        case 4: return (0..<random.within(1...40)).map { _ in UInt8(random.within(1...255)) }
        default:
            // An embedded NUL: the C string ends early.
            return Array("before".utf8) + [0] + Array("after".utf8)
        }
    }

    mutating func array() -> [UInt8] {
        let count = random.pick([0, 0, 1, 4, 8, 16, 64, random.below(256)])
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// An object id for an argument of `interface`: mostly a live one of that interface.
    mutating func object(_ session: Session, interface: String?, nullable: Bool, plausible: Bool) -> UInt32 {
        let right = interface.map { session.live($0) } ?? session.liveIDs
        switch random.weighted(plausible ? [97, 0, 3, 0, 0] : [40, 25, 15, 10, 10]) {
        case 0 where !right.isEmpty: return random.pick(right)
        case 1 where !session.liveIDs.isEmpty: return random.pick(session.liveIDs)
        case 2 where nullable: return 0
        case 3: return random.pick([0, session.nextID, session.nextID + 7, 0xff00_0000, 0xffff_ffff, 1])
        default: return right.isEmpty ? (nullable ? 0 : UInt32(random.within(1...64))) : random.pick(right)
        }
    }

    /// A new object id: almost always the one the server expects next, sometimes one it must refuse.
    mutating func newID(_ session: Session, plausible: Bool) -> UInt32 {
        if plausible || random.percent(80) { return session.allocateID() }
        switch random.below(5) {
        case 0: return 0
        case 1 where !session.liveIDs.isEmpty: return random.pick(session.liveIDs)
        case 2: return session.nextID + UInt32(random.within(1...100))
        case 3: return 0xff00_0000 + UInt32(random.below(4))
        default: return 1
        }
    }

    /// A file for an `h` argument (kept in `files` until the frame is sent).
    mutating func file(sealedPercent: Int = 0) -> MadeFile? {
        let made: MadeFile?
        if random.percent(sealedPercent) {
            made = FileMaker.sealed(size: FileMaker.size(random), extraSeals: 0)
        } else {
            made = FileMaker.make(random)
        }
        if let made { files.append(made) }
        return made
    }

    /// Generic values for `spec`'s arguments; new objects are recorded in the session's model.
    mutating func values(for spec: MessageSpec, on session: Session, version: UInt32,
                         table: ProtocolTable, plausible: Bool) -> [Value] {
        var values: [Value] = []
        var fileSize: Int64?
        for argument in spec.arguments {
            switch argument.kind {
            case .int: values.append(.int(int(near: fileSize)))
            case .uint: values.append(.uint(uint(recent: session.recentUInts, liveIDs: session.liveIDs)))
            case .fixed: values.append(.fixed(fixed()))
            case .string: values.append(.string(string(nullable: argument.nullable)))
            case .array: values.append(.array(array()))
            case .object:
                values.append(.object(object(session, interface: argument.interface, nullable: argument.nullable,
                                             plausible: plausible)))
            case .fd:
                if let made = file() {
                    fileSize = made.size
                    values.append(.fd(made.fd))
                } else {
                    values.append(.fd(-1))
                }
            case .newID:
                let id = newID(session, plausible: plausible)
                values.append(.newID(id))
                if let name = argument.interface, let interface = table[name] {
                    session.created(id, interface, version: version)
                }
            }
        }
        return values
    }
}
