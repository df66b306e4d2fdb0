/// A JSON value, and the parser and writer the control socket uses: one request per line in, one reply per
/// line out. Written for hostile input: the parser takes bytes (any of them), never traps, refuses nesting
/// deeper than `JSON.maxDepth` (so a line of `[[[[…` cannot exhaust the stack), and says where it stopped.
/// Objects keep their keys in order, so replies print in the order they were built.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    /// The deepest nesting of arrays and objects the parser accepts.
    public static let maxDepth = 64

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of `key` in an object (the last one, if a key repeats); nil for anything else.
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }

    /// The number as an exact integer, if it is one (within ±2^53).
    public var integer: Int? {
        guard case .number(let n) = self, n.isFinite, n == n.rounded(), abs(n) <= 9_007_199_254_740_992 else { return nil }
        return Int(n)
    }

    /// What kind of value this is, for error messages: "a string", "an object"…
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

// MARK: Writing

extension JSON {
    /// Compact JSON text on one line (control characters, quotes and backslashes escaped; no raw newline
    /// can appear, so a value is always exactly one line).
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSON.format(n)
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                JSON.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Integers without a fraction; other finite numbers as Swift prints them; NaN and infinities (which
    /// JSON cannot carry) as null.
    static func format(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

// MARK: Parsing

/// Why a line is not JSON, and where.
public struct JSONError: Error, Equatable, CustomStringConvertible {
    public let message: String
    /// Byte offset in the input.
    public let offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

extension JSON {
    /// Parses one JSON value from UTF-8 `bytes` (whitespace around it allowed, nothing else after it).
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(JSONError) -> JSON {
        var parser = Parser(bytes: Array(bytes))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.position != parser.bytes.count { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws(JSONError) -> JSON { try parse(Array(text.utf8)) }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        func error(_ message: String) -> JSONError { JSONError(message: message, offset: position) }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
        }

        mutating func expect(_ word: String, _ value: JSON) throws(JSONError) -> JSON {
            for c in word.utf8 {
                guard peek == c else { throw error("invalid literal (expected \(word))") }
                position += 1
            }
            return value
        }

        mutating func value(depth: Int) throws(JSONError) -> JSON {
            guard let c = peek else { throw error("unexpected end of input") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws(JSONError) -> JSON {
            if depth > JSON.maxDepth { throw error("nested deeper than \(JSON.maxDepth) levels") }
            position += 1
            var members: [(String, JSON)] = []
            skipSpace()
            if peek == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipSpace()
                members.append((key, try value(depth: depth)))
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .object(members)
                default: throw error("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(JSONError) -> JSON {
            if depth > JSON.maxDepth { throw error("nested deeper than \(JSON.maxDepth) levels") }
            position += 1
            var items: [JSON] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth))
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(items)
                default: throw error("expected ',' or ']'")
                }
            }
        }

        mutating func number() throws(JSONError) -> Double {
            let start = position
            if peek == UInt8(ascii: "-") { position += 1 }
            func digits(_ p: inout Parser) -> Int {
                var n = 0
                while let c = p.peek, c >= 0x30, c <= 0x39 { p.position += 1; n += 1 }
                return n
            }
            guard let first = peek, first >= 0x30, first <= 0x39 else { throw error("expected a digit") }
            if first == 0x30 { position += 1 } else { _ = digits(&self) }
            if peek == UInt8(ascii: ".") {
                position += 1
                if digits(&self) == 0 { throw error("expected a digit after '.'") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                if digits(&self) == 0 { throw error("expected a digit in the exponent") }
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                position = start
                throw error("number out of range")
            }
            return value
        }

        mutating func hex4() throws(JSONError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let c = peek else { throw error("unexpected end of input in \\u escape") }
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw error("bad hex digit in \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        mutating func string() throws(JSONError) -> String {
            position += 1   // the opening quote
            var scalars = String.UnicodeScalarView()
            var run = position   // start of a run of plain bytes, decoded together
            func flush(_ p: Parser, upTo end: Int, into scalars: inout String.UnicodeScalarView) throws(JSONError) {
                guard end > run else { return }
                var utf8 = UTF8()
                var iterator = p.bytes[run..<end].makeIterator()
                loop: while true {
                    switch utf8.decode(&iterator) {
                    case .scalarValue(let s): scalars.append(s)
                    case .emptyInput: break loop
                    case .error: throw JSONError(message: "invalid UTF-8 in a string", offset: run)
                    }
                }
            }
            while true {
                guard let c = peek else { throw error("unterminated string") }
                if c == UInt8(ascii: "\"") {
                    try flush(self, upTo: position, into: &scalars)
                    position += 1
                    return String(scalars)
                }
                if c < 0x20 { throw error("control character in a string") }
                if c != UInt8(ascii: "\\") { position += 1; continue }
                try flush(self, upTo: position, into: &scalars)
                position += 1
                guard let e = peek else { throw error("unterminated escape") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard peek == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    scalars.append(scalar)
                default: throw error("unknown escape")
                }
                run = position
            }
        }
    }
}
