import Glibc

/// The fuzzing loop: keeps a few connections, sends batches of random requests on them, checks after every
/// batch with a wl_display.sync roundtrip that the server still answers (or has closed the connection after a
/// protocol error), and reconnects. Every decision comes from one seeded generator; the server's answers are
/// only read at roundtrips, so against a fresh server the same seed sends the same requests.
final class Fuzzer {
    struct Options {
        var socketPath: String
        var seed: UInt64
        var seconds: Double?
        var iterations: Int?
        var clients: Int
        var timeout: Double
        var trace: Bool
    }

    let options: Options
    let random: FuzzRandom
    let table: ProtocolTable
    let planner: Planner
    private var sessions: [Session] = []
    /// Requests planned: the iteration number a failure report and --iterations count.
    private(set) var requests = 0
    /// Requests actually written (the rest were planned after the server had closed that connection).
    private(set) var sent = 0
    private(set) var connections = 0
    private(set) var protocolErrors = 0
    private var errorKinds: [String: Int] = [:]
    private var history = History(capacity: 40)
    private var start = 0.0

    struct Failure: Error { let description: String }

    init(options: Options) {
        self.options = options
        random = FuzzRandom(seed: options.seed)
        table = ProtocolTable()
        planner = Planner(random: random, table: table)
    }

    private var finished: Bool {
        if let limit = options.iterations, requests >= limit { return true }
        if let seconds = options.seconds, monotonicNow() - start >= seconds { return true }
        return false
    }

    /// Runs until the time or iteration budget is spent. Throws a Failure when the server stops answering.
    func run() throws(Failure) {
        start = monotonicNow()
        while !finished {
            if sessions.isEmpty || (sessions.count < options.clients && random.oneIn(4)) {
                sessions.append(try openSession())
            }
            let index = random.below(sessions.count)
            let session = sessions[index]
            for _ in 0..<random.within(1...24) {
                try step(session)
                // A closed session still gets the rest of its batch planned (and dropped): where the server's
                // hang-up is noticed depends on timing, and the run must not.
                if session.desynchronized || finished { break }
            }
            if try settle(session) { sessions.remove(at: index) }
        }
        for session in sessions { session.markClosed() }
        sessions.removeAll()
        // The server must still take a new client after everything it was sent.
        let last = try openSession()
        last.markClosed()
    }

    var elapsed: Double { monotonicNow() - start }

    /// The most frequent protocol errors, digits folded, for the summary.
    func errorSummary(limit: Int) -> [(String, Int)] {
        Array(errorKinds.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit))
    }

    /// Connects, gets the registry, checks the server answers a roundtrip, binds globals, and sometimes sets up
    /// a mapped window properly, so that the random requests start from deep state.
    private func openSession() throws(Failure) -> Session {
        connections += 1
        guard let connection = Connection(path: options.socketPath) else {
            throw failure("cannot connect to \(options.socketPath): \(String(cString: strerror(errno))) — the server is gone")
        }
        guard let display = table["wl_display"], let registryInterface = table["wl_registry"] else {
            throw Failure(description: "libwayland-client's wl_display/wl_registry tables are missing")
        }
        let session = Session(serial: connections, connection: connection, display: display)
        session.wildPercent = random.pick([1, 2, 5, 10, 10, 25])
        session.knownInterfaces = table.interfaces
        let registry = session.allocateID()
        session.created(registry, registryInterface, version: 1)
        try send(Planned(frame: Frame.request(object: 1, opcode: 1, [.newID(registry)]), object: 1,
                         interface: "wl_display", request: "get_registry", values: [.newID(registry)]), on: session)
        switch session.roundtrip(timeout: options.timeout) {
        case .done: break
        case .timedOut: throw failure("a fresh connection's wl_display.sync got no answer within \(options.timeout) s — the server hangs")
        case .closed: throw failure("the server closed a fresh connection before answering wl_display.sync")
        }
        for global in session.globals where table[global.interface] != nil {
            let copies = random.percent(8) ? 0 : (random.percent(8) ? 2 : 1)
            for _ in 0..<copies {
                guard let spec = table[global.interface], let bind = registryInterface.request(named: "bind") else { continue }
                let version = random.percent(80) ? min(global.version, spec.version)
                                                 : UInt32(random.within(1...Int(max(1, min(global.version, spec.version)))))
                let id = session.allocateID()
                session.created(id, spec, version: version)
                let values: [Value] = [.uint(global.name), .string(Array(global.interface.utf8)), .uint(version), .newID(id)]
                try send(Planned(frame: Frame.request(object: registry, opcode: bind.opcode, values), object: registry,
                                 interface: "wl_registry", request: "bind", values: values), on: session)
            }
        }
        if random.percent(50) { try Prelude(fuzzer: self, session: session).mapWindow() }
        return session
    }

    /// One random request (or, now and then, a malformed frame or a truncation of a file the server holds).
    private func step(_ session: Session) throws(Failure) {
        if !session.keptFiles.isEmpty && random.percent(3) {
            let fd = random.pick(session.keptFiles)
            let size = random.pick([0, 1, 4096, Int(FileMaker.size(random))])
            _ = ftruncate(fd, off_t(size))
            requests += 1
            history.add(.text("#\(requests) c\(session.serial) (fuzzer) ftruncate(kept memfd \(fd), \(size))"))
            return
        }
        var planned = planner.plan(session)
        if random.below(1000) < (session.gentle ? 3 : 20) { planned = planner.malform(planned, session: session) }
        try send(planned, on: session)
    }

    /// Sends a planned request, logs it, closes (or keeps) its files.
    func send(_ planned: Planned, on session: Session) throws(Failure) {
        requests += 1
        if !session.closed { sent += 1 }
        history.add(.request(number: requests, connection: session.serial, planned))
        if options.trace { print(describe(planned, number: requests, connection: session.serial)) }
        let outcome = session.send(planned.frame, timeout: options.timeout)
        for file in planned.files {
            if file.keep && session.keptFiles.count < 8 { session.keptFiles.append(file.fd) } else { close(file.fd) }
        }
        if planned.desynchronizes { session.desynchronized = true }
        if outcome == .timedOut {
            throw failure("the server read nothing for \(options.timeout) s (its socket stayed full) — it hangs")
        }
    }

    /// After a batch: hang up a desynchronized stream, or check with a roundtrip. True when the session ended.
    private func settle(_ session: Session) throws(Failure) -> Bool {
        if session.desynchronized && !session.closed {
            if session.hangUp(timeout: options.timeout) == .timedOut {
                throw failure("after a malformed frame and a hang-up, the server did not close the connection within \(options.timeout) s")
            }
        }
        do {
            switch session.roundtrip(timeout: options.timeout) {
            case .done:
                if random.oneIn(60) {
                    session.markClosed()   // an abrupt disconnect with everything still alive
                    return true
                }
                return false
            case .timedOut:
                throw failure("wl_display.sync got no answer within \(options.timeout) s — the server hangs")
            case .closed:
                break
            }
        }
        if let error = session.protocolError {
            protocolErrors += 1
            let key = "\(error.interface) error \(error.code): " + String(error.message.map { $0.isNumber ? "#" : $0 })
            if errorKinds[key] != nil || errorKinds.count < 500 { errorKinds[key, default: 0] += 1 }
            let line = "   c\(session.serial) protocol error: \(error.interface) error \(error.code): \(error.message)"
            history.add(.text(line))
            if options.trace { print(line) }
        } else {
            let reason = session.connection.closeReason.map { $0 == 0 ? "end of file" : String(cString: strerror($0)) } ?? "?"
            let key = "closed without wl_display.error (\(session.desynchronized ? "after a malformed frame, " : "")\(reason))"
            errorKinds[key, default: 0] += 1
            if options.trace { print("   c\(session.serial) \(key)") }
        }
        return true
    }

    func failure(_ what: String) -> Failure {
        var text = "seawall-fuzz: FAILED after request #\(requests) (seed \(options.seed)): \(what)\n"
        text += "seawall-fuzz: the last requests sent (cN = connection N):\n"
        for entry in history.entries {
            switch entry {
            case .request(let number, let connection, let planned):
                text += "  \(describe(planned, number: number, connection: connection))\n"
            case .text(let line): text += "  \(line)\n"
            }
        }
        text += "seawall-fuzz: reproduce against a fresh server with: seawall-fuzz --seed \(options.seed) --iterations \(requests) --trace\n"
        return Failure(description: text)
    }

    func describe(_ planned: Planned, number: Int, connection: Int) -> String {
        let arguments = planned.values.map(Fuzzer.describe).joined(separator: ", ")
        let files = planned.files.isEmpty ? "" : " fds: " + planned.files.map(\.kind).joined(separator: ", ")
        let note = planned.note.isEmpty ? "" : "  [\(planned.note)]"
        return "#\(number) c\(connection) \(planned.interface)@\(planned.object).\(planned.request)(\(arguments))\(files)\(note)"
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .int(let v): return String(v)
        case .uint(let v): return "\(v)u"
        case .fixed(let v): return "fixed(\(v))"
        case .string(let s):
            guard let s else { return "nil" }
            let text = String(decoding: s.prefix(40), as: UTF8.self)
            return s.count > 40 ? "\"\(text)…\" (\(s.count) bytes)" : "\"\(text)\""
        case .object(let id): return "obj \(id)"
        case .newID(let id): return "new \(id)"
        case .array(let a): return "array[\(a.count)]"
        case .fd: return "fd"
        }
    }
}

/// The last few requests, for a failure report (formatted only then: formatting each one costs more than sending it).
struct History {
    enum Entry {
        case request(number: Int, connection: Int, Planned)
        case text(String)
    }
    let capacity: Int
    private var ring: [Entry] = []
    private var next = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func add(_ entry: Entry) {
        if ring.count < capacity { ring.append(entry) } else { ring[next] = entry }
        next = (next + 1) % capacity
    }

    var entries: [Entry] { ring.count < capacity ? ring : Array(ring[next...] + ring[..<next]) }
}
