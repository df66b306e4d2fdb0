/// The control protocol above the transport: a request is one JSON object with a `command` and its
/// arguments as members, e.g. `{"command":"screenshot","file":"/tmp/a.png","window":"foot"}`; a reply is
/// `{"ok":true,…}` or `{"ok":false,"error":"…"}` (with the request's `id` echoed when it had one).
///
/// Commands are handlers registered by name in a `ControlRouter`; the transport (ControlSocket.swift) only
/// moves lines. A new command (issue 16's `pointer.move`, `key`, `type`…) is one more `register` call.

/// A request with its arguments, checked as they are read: every accessor throws a `ControlError` that
/// names the argument and what was wrong with it.
public struct ControlRequest: Sendable {
    public let command: String
    public let body: JSON

    /// Reads a request line's JSON: an object with a string `command`.
    public init(_ body: JSON) throws(ControlError) {
        guard case .object = body else { throw ControlError("a request must be a JSON object, not \(body.kind)") }
        guard let command = body["command"] else { throw ControlError("the request has no \"command\"") }
        guard let name = command.string else { throw ControlError("\"command\" must be a string, not \(command.kind)") }
        self.command = name
        self.body = body
    }

    public init(command: String, arguments: [(String, JSON)] = []) {
        self.command = command
        self.body = .object([("command", .string(command))] + arguments)
    }

    /// The request's `id`, echoed in the reply (any JSON value).
    public var id: JSON? { body["id"] }

    public func string(_ name: String) throws(ControlError) -> String {
        guard let value = try optionalString(name) else { throw ControlError("\(command): missing argument \"\(name)\"") }
        return value
    }

    public func optionalString(_ name: String) throws(ControlError) -> String? {
        guard let value = body[name], value != .null else { return nil }
        guard let s = value.string else { throw wrongType(name, value, "a string") }
        return s
    }

    /// An integer argument within `range`, `defaultValue` when absent.
    public func integer(_ name: String, default defaultValue: Int? = nil, in range: ClosedRange<Int>) throws(ControlError) -> Int {
        guard let value = body[name], value != .null else {
            if let defaultValue { return defaultValue }
            throw ControlError("\(command): missing argument \"\(name)\"")
        }
        guard let n = value.integer else { throw wrongType(name, value, "an integer") }
        guard range.contains(n) else {
            throw ControlError("\(command): \"\(name)\" must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
        }
        return n
    }

    /// A number argument (any, even not finite: the command's decision checks it).
    public func number(_ name: String) throws(ControlError) -> Double {
        guard let value = body[name], value != .null else { throw ControlError("\(command): missing argument \"\(name)\"") }
        guard let n = value.number else { throw wrongType(name, value, "a number") }
        return n
    }

    /// A true/false argument, false when absent.
    public func flag(_ name: String) throws(ControlError) -> Bool {
        guard let value = body[name], value != .null else { return false }
        guard let b = value.bool else { throw wrongType(name, value, "true or false") }
        return b
    }

    /// A number of seconds (fractions allowed) within `range`.
    public func seconds(_ name: String, default defaultValue: Double, in range: ClosedRange<Double>) throws(ControlError) -> Double {
        guard let value = body[name], value != .null else { return defaultValue }
        guard let n = value.number else { throw wrongType(name, value, "a number of seconds") }
        guard range.contains(n) else {
            throw ControlError("\(command): \"\(name)\" must be between \(JSON.format(range.lowerBound)) and \(JSON.format(range.upperBound)) seconds, not \(JSON.format(n))")
        }
        return n
    }

    /// A rectangle given as `[x, y, width, height]` (integers; width and height positive).
    public func rectangle(_ name: String) throws(ControlError) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard let value = body[name], value != .null else { return nil }
        guard let items = value.array, items.count == 4 else { throw wrongType(name, value, "[x, y, width, height]") }
        var numbers: [Int] = []
        for item in items {
            guard let n = item.integer, abs(n) <= 1 << 30 else { throw wrongType(name, value, "[x, y, width, height] of integers") }
            numbers.append(n)
        }
        guard numbers[2] > 0, numbers[3] > 0 else {
            throw ControlError("\(command): \"\(name)\" must have a positive width and height, not \(numbers[2])x\(numbers[3])")
        }
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }

    private func wrongType(_ name: String, _ value: JSON, _ wanted: String) -> ControlError {
        ControlError("\(command): \"\(name)\" must be \(wanted), not \(value.kind)")
    }
}

/// A control command's failure: its message is the reply's `error`.
public struct ControlError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Where a command's answer goes. A handler answers at once or keeps the reply and answers later from the
/// event loop (`wait`, `frame`); only the first answer counts. A reply whose connection went away is
/// `cancelled`: answering it does nothing, and deferred work should drop it.
public final class ControlReply {
    private var deliver: ((JSON) -> Void)?
    private let id: JSON?
    /// Runs when the connection goes away before the answer (deferred handlers forget the request).
    public var onCancel: (() -> Void)?

    public init(id: JSON?, deliver: @escaping (JSON) -> Void) {
        self.id = id
        self.deliver = deliver
    }

    /// Whether an answer is still expected.
    public var isPending: Bool { deliver != nil }

    /// `{"ok":true, fields…}`.
    public func succeed(_ fields: [(String, JSON)] = []) { send([("ok", .bool(true))] + fields) }

    /// `{"ok":false,"error":message}`.
    public func fail(_ message: String) { send([("ok", .bool(false)), ("error", .string(message))]) }

    private func send(_ fields: [(String, JSON)]) {
        guard let deliver else { return }
        self.deliver = nil
        onCancel = nil
        deliver(.object((id.map { [("id", $0)] } ?? []) + fields))
    }

    /// The connection went away: no answer will be read.
    public func cancel() {
        guard deliver != nil else { return }
        deliver = nil
        let action = onCancel
        onCancel = nil
        action?()
    }
}

/// Commands by name. A handler either answers the reply before it returns or keeps it (a deferred answer);
/// a `ControlError` it throws becomes the error reply.
public final class ControlRouter {
    public typealias Handler = (ControlRequest, ControlReply) throws(ControlError) -> Void
    private var handlers: [String: Handler] = [:]
    /// Registered names, in order (for the error that lists them).
    public private(set) var commands: [String] = []

    public init() {}

    public func register(_ command: String, _ handler: @escaping Handler) {
        precondition(handlers[command] == nil, "control command \(command) registered twice")
        handlers[command] = handler
        commands.append(command)
    }

    /// Handles one request line: parse errors, unknown commands and handler errors are error replies.
    public func handle(line: some Collection<UInt8>, reply makeReply: (JSON?) -> ControlReply) {
        let body: JSON
        do {
            body = try JSON.parse(line)
        } catch {
            makeReply(nil).fail("malformed JSON: \(error)")
            return
        }
        let request: ControlRequest
        do {
            request = try ControlRequest(body)
        } catch {
            makeReply(body["id"]).fail(error.description)
            return
        }
        handle(request, reply: makeReply(request.id))
    }

    /// Runs the command's handler.
    public func handle(_ request: ControlRequest, reply: ControlReply) {
        guard let handler = handlers[request.command] else {
            reply.fail("unknown command \"\(request.command)\" (commands: \(commands.joined(separator: ", ")))")
            return
        }
        do {
            try handler(request, reply)
        } catch {
            reply.fail(error.description)
        }
    }
}
