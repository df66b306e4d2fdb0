/// One request ready to go out, and what it was (for the trace and for a failure's history).
struct Planned {
    var frame: Frame
    var files: [MadeFile] = []
    var object: UInt32
    var interface: String
    var request: String
    var values: [Value]
    /// What is odd about it, if anything ("unknown opcode 9", "size field 4 instead of 12").
    var note = ""
    /// The frame may leave the server mid-message: the connection can only be hung up afterwards.
    var desynchronizes = false
}

/// Chooses the next request for a session: a live object, a request its version has, and arguments —
/// with knowledge of the requests whose arguments must agree with each other (pools, buffers, serials,
/// binds) so that most requests get past the first check and reach deeper state.
struct Planner {
    let random: FuzzRandom
    let table: ProtocolTable

    func plan(_ session: Session) -> Planned {
        var maker = ArgumentMaker(random: random, gentle: session.gentle)
        let plausible = !random.percent(session.wildPercent)
        var (id, object) = pickObject(session)
        var choices: [Int] = []
        for _ in 0..<4 {
            choices = object.interface.requests.indices.filter {
                !plausible || possible(object.interface.requests[$0], on: id, of: object, session: session)
            }
            if !choices.isEmpty { break }
            (id, object) = pickObject(session)
        }
        if choices.isEmpty { choices = Array(object.interface.requests.indices) }
        let crowded = session.liveIDs.count > 200
        let weights = choices.map { object.interface.requests[$0].isDestructor ? (crowded ? 30 : 1) : 4 }
        let opcode = choices[random.weighted(weights)]
        let spec = object.interface.requests[opcode]
        var values = smartValues(object.interface.name, spec.name, id: id, object: object, session: session,
                                 maker: &maker, plausible: plausible)
            ?? maker.values(for: spec, on: session, version: object.version, table: table, plausible: plausible)
        // A pointer constraint's lifetime: mostly oneshot (1) or persistent (2), so that constraints get made.
        if object.interface.name == "zwp_pointer_constraints_v1", spec.name == "lock_pointer" || spec.name == "confine_pointer",
           plausible || random.percent(50), !values.isEmpty {
            values[values.count - 1] = .uint(UInt32(random.within(1...2)))
        }
        if spec.isDestructor { session.destroyed(id) }
        var planned = Planned(frame: Frame.request(object: id, opcode: UInt16(opcode), values), files: maker.files,
                              object: id, interface: object.interface.name, request: spec.name, values: values)
        if spec.since > object.version { planned.note = "since \(spec.since) > bound version \(object.version)" }
        return planned
    }

    /// Whether a valid `spec` can be sent now: the bound version has it, every object it needs exists, and for
    /// ack_configure there is a configure to ack.
    private func possible(_ spec: MessageSpec, on id: UInt32, of object: TrackedObject, session: Session) -> Bool {
        guard spec.since <= object.version else { return false }
        if spec.name == "ack_configure" && object.interface.name == "xdg_surface" {
            return session.configureSerials[id] != nil
        }
        for argument in spec.arguments where argument.kind == .object && !argument.nullable {
            if let name = argument.interface, session.live(name).isEmpty { return false }
        }
        return true
    }

    /// A live object that has requests (callbacks have none), preferring the ones made recently.
    private func pickObject(_ session: Session) -> (UInt32, TrackedObject) {
        let ids = session.liveIDs
        for _ in 0..<8 {
            let index = random.percent(50) ? ids.count - 1 - random.below(min(ids.count, 8)) : random.below(ids.count)
            if let object = session.objects[ids[index]], !object.interface.requests.isEmpty { return (ids[index], object) }
        }
        let display = session.objects[1] ?? TrackedObject(interface: InterfaceSpec(name: "wl_display", version: 1,
                                                                                   requests: [], events: []),
                                                          version: 1)
        return (1, display)
    }

    /// Arguments that must agree with each other or with earlier events; nil for the generic path.
    private func smartValues(_ interface: String, _ request: String, id: UInt32, object: TrackedObject,
                             session: Session, maker: inout ArgumentMaker, plausible: Bool) -> [Value]? {
        guard plausible || random.percent(30) else { return nil }
        switch (interface, request) {
        case ("wl_registry", "bind"):
            return bind(session, maker: &maker, plausible: plausible)
        case ("wl_shm", "create_pool"):
            guard let file = maker.file(sealedPercent: 75) else { return nil }
            let size = random.percent(65) ? Int32(clamping: file.size) : maker.int(near: file.size)
            let pool = maker.newID(session, plausible: true)
            if let spec = table["wl_shm_pool"] {
                session.created(pool, spec, version: object.version)
                session.update(pool) { $0.poolSize = Int64(size); $0.fileSize = file.size }
            }
            return [.newID(pool), .fd(file.fd), .int(size)]
        case ("wl_shm_pool", "create_buffer"):
            return createBuffer(session, pool: object, maker: &maker)
        case ("wl_shm_pool", "resize"):
            let size: Int64
            switch random.below(10) {
            case 0..<3: size = object.fileSize
            case 3..<6: size = object.poolSize + Int64(random.below(Int(max(1, min(object.fileSize - object.poolSize + 1, 1 << 24)))))
            case 6..<8: size = object.poolSize + Int64(random.pick([1, 4, 4096, 1 << 20]))
            case 8: size = object.poolSize - Int64(random.within(1...4096))
            default: size = Int64(maker.int())
            }
            if size >= object.poolSize && size <= object.fileSize { session.update(id) { $0.poolSize = size } }
            return [.int(Int32(clamping: size))]
        case ("xdg_surface", "ack_configure"):
            guard let serial = session.configureSerials[id], random.percent(90) else { return nil }
            session.configureSerials[id] = nil
            return [.uint(serial)]
        case ("wl_surface", "attach"):
            let buffers = session.live("wl_buffer")
            let buffer: UInt32 = buffers.isEmpty || random.percent(15) ? 0 : random.pick(buffers)
            let offset = random.percent(85) ? (Int32(0), Int32(0)) : (maker.int(), maker.int())
            return [.object(buffer), .int(offset.0), .int(offset.1)]
        case ("wl_surface", "damage"), ("wl_surface", "damage_buffer"), ("wl_region", "add"), ("wl_region", "subtract"):
            if random.percent(70) {
                let w = Int32(random.within(0...300)), h = Int32(random.within(0...300))
                return [.int(Int32(random.within(-20...300))), .int(Int32(random.within(-20...300))), .int(w), .int(h)]
            }
            return [.int(maker.int()), .int(maker.int()), .int(maker.int()), .int(maker.int())]
        case ("wl_surface", "set_buffer_scale"):
            return [.int(random.percent(80) ? Int32(random.within(1...4)) : maker.int())]
        case ("wl_surface", "set_buffer_transform"):
            return [.int(random.percent(80) ? Int32(random.within(0...7)) : maker.int())]
        // The virtual pointer: mostly valid axes, sources, button states and extents, so frames take effect.
        case ("zwlr_virtual_pointer_v1", "axis"):
            return [.uint(UInt32(random.below(1000))), .uint(UInt32(random.below(2))), .int(maker.fixed())]
        case ("zwlr_virtual_pointer_v1", "axis_discrete"):
            return [.uint(0), .uint(UInt32(random.below(2))), .int(maker.fixed()), .int(Int32(random.within(-5...5)))]
        case ("zwlr_virtual_pointer_v1", "axis_stop"):
            return [.uint(0), .uint(UInt32(random.below(2)))]
        case ("zwlr_virtual_pointer_v1", "axis_source"):
            return [.uint(UInt32(random.below(4)))]
        case ("zwlr_virtual_pointer_v1", "button"):
            return [.uint(0), .uint(UInt32(0x110 + random.below(8))), .uint(UInt32(random.below(2)))]
        case ("zwlr_virtual_pointer_v1", "motion_absolute"):
            let extent = (x: UInt32(random.within(1...2000)), y: UInt32(random.within(1...2000)))
            return [.uint(0), .uint(UInt32(random.within(0...Int(extent.x)))), .uint(UInt32(random.within(0...Int(extent.y)))),
                    .uint(extent.x), .uint(extent.y)]
        default:
            return nil
        }
    }

    /// wl_registry.bind(name, interface, version, id) on an advertised global, mostly with matching values.
    private func bind(_ session: Session, maker: inout ArgumentMaker, plausible: Bool) -> [Value]? {
        guard !session.globals.isEmpty else { return nil }
        let global = random.pick(session.globals)
        var name = global.name
        var interface = global.interface
        var version = min(global.version, table[global.interface]?.version ?? global.version)
        if random.percent(30) { version = UInt32(random.within(1...Int(max(1, version)))) }
        switch random.below(plausible ? 100 : 6) {
        case 0: version = 0
        case 1: version = global.version + 1
        case 2: interface = random.pick(session.globals).interface
        case 3: name = UInt32(random.within(0...200))
        case 4: interface = "wl_fuzz_nonexistent"
        default: break
        }
        let id = maker.newID(session, plausible: true)
        if let spec = table[interface] { session.created(id, spec, version: version) }
        return [.uint(name), .string(Array(interface.utf8)), .uint(version), .newID(id)]
    }

    /// The wl_shm formats Seawall advertises, with their bytes per pixel: ARGB8888 and XRGB8888 (0, 1), then
    /// the fourccs AB24 XB24 RG16 RG24 BG24 AR30 XR30 AB30 XB30.
    static let shmFormats: [(UInt32, Int64)] = [
        (0, 4), (1, 4), (0x3432_4241, 4), (0x3432_4258, 4), (0x3631_4752, 2), (0x3432_4752, 3), (0x3432_4742, 3),
        (0x3033_5241, 4), (0x3033_5258, 4), (0x3033_4241, 4), (0x3033_4258, 4),
    ]

    /// wl_shm_pool.create_buffer(id, offset, width, height, stride, format) that mostly fits the pool.
    private func createBuffer(_ session: Session, pool: TrackedObject, maker: inout ArgumentMaker) -> [Value] {
        let width = Int64(random.percent(80) ? random.pick([1, 2, 7, 16, 32, 64, 100, 256, random.within(1...1024)])
                                             : Int(maker.int()))
        // Mostly a format wl_shm advertises (2, 3 or 4 bytes per pixel; the stride rounded up to 4 bytes as
        // real clients do), sometimes any code at all.
        let (format, bytesPerPixel) = random.percent(90) ? random.pick(Self.shmFormats)
                                                         : (maker.uint(recent: [], liveIDs: []), Int64(4))
        var stride = (width * bytesPerPixel + 3) / 4 * 4 + (random.percent(80) ? 0 : Int64(random.pick([-4, -1, 1, 2, 3, 4, 64])))
        if random.percent(3) { stride = Int64(maker.int()) }
        var offset: Int64 = random.percent(60) ? 0 : Int64(random.below(Int(max(1, min(pool.poolSize, 1 << 24))))) & ~3
        if random.percent(5) { offset = Int64(maker.int()) }
        var height = Int64(random.percent(80) ? random.pick([1, 2, 16, 32, 64, 100, 256, random.within(1...1024)])
                                              : Int(maker.int()))
        if random.percent(70), stride > 0, pool.poolSize - offset >= stride {
            height = max(1, min(height, (pool.poolSize - offset) / stride))
        }
        let id = maker.newID(session, plausible: true)
        if let spec = table["wl_buffer"] { session.created(id, spec, version: 1) }
        return [.newID(id), .int(Int32(truncatingIfNeeded: offset)), .int(Int32(truncatingIfNeeded: width)),
                .int(Int32(truncatingIfNeeded: height)), .int(Int32(truncatingIfNeeded: stride)), .uint(format)]
    }
}
