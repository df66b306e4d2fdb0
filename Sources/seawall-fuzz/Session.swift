import Glibc

/// An object the fuzzer created on one connection (or the server announced), as far as the fuzzer knows.
struct TrackedObject {
    let interface: InterfaceSpec
    let version: UInt32
    /// False once the fuzzer sent its destructor; the entry stays until wl_display.delete_id frees the id,
    /// because events may still arrive for it.
    var alive = true
    /// For pools: the size the server knows, and the size of the file behind it.
    var poolSize: Int64 = 0
    var fileSize: Int64 = 0
}

/// A global the server advertised (wl_registry.global).
struct Advertised {
    let name: UInt32
    let interface: String
    let version: UInt32
}

/// One connection and the fuzzer's model of it: the objects alive on it, free ids, globals, and values the
/// server sent that are worth sending back (configure serials).
final class Session {
    let serial: Int
    let connection: Connection
    private(set) var objects: [UInt32: TrackedObject] = [:]
    /// Live object ids in creation order: choices must not depend on dictionary order, which changes per process.
    private(set) var liveIDs: [UInt32] = []
    private var freeIDs: [UInt32] = []
    private(set) var nextID: UInt32 = 2
    private(set) var globals: [Advertised] = []
    private(set) var recentUInts: [UInt32] = []
    /// The last configure serial each xdg_surface got and has not acked yet.
    var configureSerials: [UInt32: UInt32] = [:]
    /// Unsealed memfds sent to the server whose other end the fuzzer keeps, to truncate later.
    var keptFiles: [Int32] = []
    /// How often this connection sends a deliberately wrong request (percent): some connections are careful and
    /// live long enough to build deep state, others are chaotic.
    var wildPercent = 10
    /// Careful connections send mostly small, positive numbers.
    var gentle: Bool { wildPercent <= 2 }
    /// Set when a malformed frame may have broken the stream's framing: the only way on is to hang up.
    var desynchronized = false
    private(set) var closed = false
    /// wl_display.error: the interface of the object, the code and the message.
    private(set) var protocolError: (interface: String, code: UInt32, message: String)?
    private var pendingSyncs: Set<UInt32> = []

    init(serial: Int, connection: Connection, display: InterfaceSpec) {
        self.serial = serial
        self.connection = connection
        objects[1] = TrackedObject(interface: display, version: 1)
        liveIDs = [1]
    }

    deinit {
        for fd in keptFiles { close(fd) }
    }

    /// The id a new object should get: usually the lowest-numbered reusable one, like libwayland-client.
    func allocateID() -> UInt32 {
        if let reused = freeIDs.popLast() { return reused }
        defer { nextID += 1 }
        return nextID
    }

    /// Records an object the fuzzer just asked the server to create under `id`.
    /// An id that is already taken (the fuzzer sometimes sends one on purpose) keeps its object: the server
    /// refuses the request, and the display (id 1) must stay the display.
    func created(_ id: UInt32, _ interface: InterfaceSpec, version: UInt32) {
        guard id != 0, objects[id] == nil else { return }
        liveIDs.append(id)
        objects[id] = TrackedObject(interface: interface, version: max(1, min(version, interface.version)))
    }

    func update(_ id: UInt32, _ change: (inout TrackedObject) -> Void) {
        if var object = objects[id] {
            change(&object)
            objects[id] = object
        }
    }

    /// The fuzzer sent `id`'s destructor: it is no longer picked, but still parsed until delete_id.
    func destroyed(_ id: UInt32) {
        update(id) { $0.alive = false }
        if let index = liveIDs.firstIndex(of: id) { liveIDs.remove(at: index) }
    }

    func live(_ interface: String) -> [UInt32] {
        liveIDs.filter { objects[$0]?.interface.name == interface }
    }

    func markClosed() {
        closed = true
        connection.close()
    }

    /// Sends one frame; a closed or stuck socket marks the session closed (`.timedOut` is for the caller to judge).
    func send(_ frame: Frame, timeout: Double) -> Connection.Outcome {
        guard !closed else { return .closed }
        let outcome = connection.send(frame, timeout: timeout)
        if outcome == .closed {
            // The error event that preceded the hang-up is still queued: read it now, parse it at the next
            // roundtrip, so the model changes at the same point of the run whatever the timing.
            connection.receive()
            closed = true
        }
        return outcome
    }

    /// wl_display.sync and wait for its wl_callback.done, reading every event meanwhile.
    /// `.done`: answered; `.closed`: the server hung up (after a protocol error, normally); `.timedOut`: no answer.
    func roundtrip(timeout: Double) -> Connection.Outcome {
        guard !closed else {
            processInput()
            markClosed()
            return .closed
        }
        let id = allocateID()
        guard let callback = objects[1]?.interface.request(named: "sync")?.spec.arguments.first?.interface,
              let callbackInterface = knownInterfaces[callback] else { return .closed }
        created(id, callbackInterface, version: 1)
        destroyed(id)   // not for the generator to pick: the server destroys it after done
        pendingSyncs.insert(id)
        let sent = send(Frame.request(object: 1, opcode: 0, [.newID(id)]), timeout: timeout)
        guard sent == .done else {
            processInput()
            if sent == .closed { markClosed() }
            return sent
        }
        let deadline = monotonicNow() + timeout
        while pendingSyncs.contains(id) {
            let remaining = deadline - monotonicNow()
            if remaining <= 0 { return .timedOut }
            let outcome = connection.wait(timeout: remaining)
            processInput()
            if outcome == .closed {
                markClosed()
                return .closed
            }
        }
        return .done
    }

    /// Shuts the writing side and reads until the server closes: for streams a malformed frame may have broken.
    func hangUp(timeout: Double) -> Connection.Outcome {
        guard !closed else {
            processInput()
            markClosed()
            return .closed
        }
        connection.shutdownWrite()
        let deadline = monotonicNow() + timeout
        while true {
            let remaining = deadline - monotonicNow()
            if remaining <= 0 { return .timedOut }
            let outcome = connection.wait(timeout: remaining)
            processInput()
            if outcome == .closed {
                markClosed()
                return .closed
            }
        }
    }

    /// The interfaces by name, for events that create objects (set by the fuzzer).
    var knownInterfaces: [String: InterfaceSpec] = [:]

    /// Parses every complete event in the input buffer.
    func processInput() {
        while let event = connection.nextEvent() { handle(event) }
    }

    private func handle(_ event: Event) {
        if debugEvents { print("      event for \(event.object) opcode \(event.opcode) size \(event.payload.count) known \(objects[event.object]?.interface.name ?? "-")") }
        guard let object = objects[event.object], Int(event.opcode) < object.interface.events.count else { return }
        let spec = object.interface.events[Int(event.opcode)]
        var reader = PayloadReader(payload: event.payload)
        var values: [Value] = []
        for argument in spec.arguments {
            guard let value = reader.read(argument.kind) else { return }
            values.append(value)
            if case .uint(let v) = value {
                recentUInts.append(v)
                if recentUInts.count > 16 { recentUInts.removeFirst() }
            }
            if case .newID(let id) = value, let name = argument.interface, let interface = knownInterfaces[name] {
                created(id, interface, version: object.version)
            }
        }
        switch (object.interface.name, spec.name) {
        case ("wl_display", "error"):
            if case .object(let id) = values.first, case .uint(let code) = values[1], case .string(let text) = values[2] {
                let name = objects[id]?.interface.name ?? "unknown object \(id)"
                protocolError = (name, code, String(decoding: text ?? [], as: UTF8.self))
            }
        case ("wl_display", "delete_id"):
            if case .uint(let id) = values.first, objects[id] != nil {
                objects[id] = nil
                if let index = liveIDs.firstIndex(of: id) { liveIDs.remove(at: index) }
                freeIDs.append(id)
            }
        case ("wl_registry", "global"):
            if case .uint(let name) = values[0], case .string(let text) = values[1], case .uint(let version) = values[2] {
                globals.append(Advertised(name: name, interface: String(decoding: text ?? [], as: UTF8.self),
                                          version: version))
            }
        case ("xdg_surface", "configure"):
            if case .uint(let serial) = values.first { configureSerials[event.object] = serial }
        case ("wl_callback", "done"):
            pendingSyncs.remove(event.object)
        default:
            break
        }
    }
}

/// Reads the arguments of an event in wire order.
struct PayloadReader {
    let payload: ArraySlice<UInt8>
    var offset: Int

    init(payload: ArraySlice<UInt8>) {
        self.payload = payload
        offset = payload.startIndex
    }

    mutating func word() -> UInt32? {
        guard offset + 4 <= payload.endIndex else { return nil }
        defer { offset += 4 }
        return UInt32(payload[offset]) | UInt32(payload[offset + 1]) << 8 | UInt32(payload[offset + 2]) << 16
            | UInt32(payload[offset + 3]) << 24
    }

    mutating func read(_ kind: ArgumentSpec.Kind) -> Value? {
        switch kind {
        case .fd: return .fd(-1)   // travelled out of band and is already closed
        case .int: return word().map { .int(Int32(bitPattern: $0)) }
        case .fixed: return word().map { .fixed(Int32(bitPattern: $0)) }
        case .uint: return word().map { .uint($0) }
        case .object: return word().map { .object($0) }
        case .newID: return word().map { .newID($0) }
        case .string, .array:
            guard let length = word() else { return nil }
            let count = Int(length)
            guard count <= payload.endIndex - offset else { return nil }
            var bytes = Array(payload[offset..<(offset + count)])
            offset += (count + 3) & ~3
            if kind == .array { return .array(bytes) }
            if count == 0 { return .string(nil) }
            if bytes.last == 0 { bytes.removeLast() }
            return .string(bytes)
        }
    }
}

let debugEvents = getenv("SEAWALL_FUZZ_DEBUG") != nil
