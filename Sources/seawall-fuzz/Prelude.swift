import Glibc

/// A correct start for a connection, so the random requests that follow act on a mapped window with a live
/// pool and buffer instead of dying at the first missing object: the create_pool → create_buffer →
/// get_xdg_surface → get_toplevel → commit → configure → ack_configure → attach → commit sequence.
struct Prelude {
    let fuzzer: Fuzzer
    let session: Session

    private var random: FuzzRandom { fuzzer.random }

    /// Sends `request` on `object` with `values`, tracking any new object it makes.
    private func send(_ object: UInt32, _ request: String, _ values: [Value], files: [MadeFile] = []) throws(Fuzzer.Failure) {
        guard let tracked = session.objects[object], let (opcode, spec) = tracked.interface.request(named: request) else {
            for file in files { close(file.fd) }
            return
        }
        for (argument, value) in zip(spec.arguments, values) {
            if case .newID(let id) = value, let name = argument.interface, let interface = fuzzer.table[name] {
                session.created(id, interface, version: tracked.version)
            }
        }
        try fuzzer.send(Planned(frame: Frame.request(object: object, opcode: opcode, values), files: files,
                                object: object, interface: tracked.interface.name, request: request, values: values),
                        on: session)
    }

    func mapWindow() throws(Fuzzer.Failure) {
        guard let compositor = session.live("wl_compositor").first, let shm = session.live("wl_shm").first,
              let base = session.live("xdg_wm_base").first else { return }
        let width = Int64(random.pick([1, 16, 64, 100, 256, 640])), height = Int64(random.pick([1, 16, 48, 64, 200, 480]))
        let stride = width * 4
        let fileSize = stride * height * Int64(random.pick([1, 2, 3]))
        guard let file = FileMaker.sealed(size: fileSize, extraSeals: random.oneIn(4) ? random.pick(FileMaker.extraSealChoices) : 0)
        else { return }

        let surface = session.allocateID()
        try send(compositor, "create_surface", [.newID(surface)])
        let pool = session.allocateID()
        try send(shm, "create_pool", [.newID(pool), .fd(file.fd), .int(Int32(fileSize))], files: [file])
        session.update(pool) { $0.poolSize = fileSize; $0.fileSize = fileSize }
        let buffer = session.allocateID()
        try send(pool, "create_buffer", [.newID(buffer), .int(0), .int(Int32(width)), .int(Int32(height)),
                                         .int(Int32(stride)), .uint(UInt32(random.below(2)))])
        if random.percent(30) {
            try send(pool, "destroy", [])   // buffers keep the pool's memory alive
            session.destroyed(pool)
        }
        let xdgSurface = session.allocateID()
        try send(base, "get_xdg_surface", [.newID(xdgSurface), .object(surface)])
        let toplevel = session.allocateID()
        try send(xdgSurface, "get_toplevel", [.newID(toplevel)])
        try send(toplevel, "set_title", [.string(Array("seawall-fuzz \(session.serial)".utf8))])
        try send(surface, "commit", [])
        switch session.roundtrip(timeout: fuzzer.options.timeout) {
        case .done: break
        case .closed: return
        case .timedOut: throw fuzzer.failure("wl_display.sync after a window's first commit got no answer — the server hangs")
        }
        guard let serial = session.configureSerials.removeValue(forKey: xdgSurface) else { return }
        try send(xdgSurface, "ack_configure", [.uint(serial)])
        try send(surface, "attach", [.object(buffer), .int(0), .int(0)])
        let damage = (session.objects[surface]?.version ?? 1) >= 4 ? "damage_buffer" : "damage"
        try send(surface, damage, [.int(0), .int(0), .int(Int32(width)), .int(Int32(height))])
        let callback = session.allocateID()
        try send(surface, "frame", [.newID(callback)])
        try send(surface, "commit", [])
    }
}
