/// Frames that break the wire format or name things that do not exist. Some leave the framing intact (the
/// server must answer with a protocol error); the others may leave the server in the middle of a message,
/// after which the fuzzer hangs up and expects the server to close the connection.
extension Planner {
    func malform(_ planned: Planned, session: Session) -> Planned {
        var result = planned
        let size = planned.frame.bytes.count
        switch random.below(14) {
        case 0:
            let count = session.objects[planned.object]?.interface.requests.count ?? 0
            let opcode = UInt16(count + random.below(3))
            result.frame.setHeader(size: size, opcode: random.percent(80) ? opcode : UInt16.max)
            result.note = "unknown opcode \(opcode)"
        case 1:
            let id = random.pick([0, session.nextID + UInt32(random.below(50)), 0xff00_0000, 0xffff_ffff])
            result.frame.bytes.replaceSubrange(0..<4, with: withUnsafeBytes(of: id.littleEndian, Array.init))
            result.note = "object id \(id) instead of \(planned.object)"
        case 2 where !planned.frame.fds.isEmpty:
            result.frame.fds = []
            result.note = "fd argument without an fd"
        case 2, 3:
            for _ in 0..<random.within(1...4) {
                if let extra = FileMaker.make(random) {
                    result.frame.fds.append(extra.fd)
                    result.files.append(extra)
                }
            }
            result.note = "\(result.frame.fds.count - planned.frame.fds.count) extra fds"
        case 4 where size > 8:
            let lie = 8 + 4 * random.below((size - 8) / 4)
            result.frame.setHeader(size: lie, opcode: opcode(planned))
            result.note = "size field \(lie) instead of \(size)"
            result.desynchronizes = true
        case 4, 5:
            let lie = size + random.pick([1, 2, 3, 5, 6, 7])
            result.frame.setHeader(size: lie, opcode: opcode(planned))
            result.frame.bytes.append(contentsOf: [UInt8](repeating: 0, count: (4 - lie % 4) % 4 + (lie - size)))
            result.note = "size field \(lie) not a multiple of 4"
            result.desynchronizes = true
        case 6:
            let lie = random.below(8)
            result.frame.setHeader(size: lie, opcode: opcode(planned))
            result.note = "size field \(lie) below the header's 8"
            result.desynchronizes = true
        case 7:
            let lie = random.pick([4100, 8192, 65532])
            result.frame.setHeader(size: lie, opcode: opcode(planned))
            result.frame.bytes.append(contentsOf: [UInt8](repeating: 0x41, count: lie - size))
            result.note = "size field \(lie) over libwayland's 4096-byte buffer, with that much data"
            result.desynchronizes = true
        case 8:
            // A string (or array) whose length runs past the end of the message.
            result.frame = Frame.request(object: planned.object, opcode: opcode(planned), [])
            result.frame.word(UInt32(random.pick([5, 64, 4000, 0x7fff_ffff, 0xffff_ffff])))
            result.frame.bytes.append(contentsOf: Array("abc\0".utf8))
            result.frame.setHeader(size: result.frame.bytes.count, opcode: opcode(planned))
            result.note = "length field past the end of the message"
        case 9:
            // The string's bytes fill its length with no NUL at the end.
            result.frame = Frame.request(object: planned.object, opcode: opcode(planned), [])
            result.frame.word(8)
            result.frame.bytes.append(contentsOf: Array("ABCDEFGH".utf8))
            result.frame.word(1)
            result.frame.setHeader(size: result.frame.bytes.count, opcode: opcode(planned))
            result.note = "string without its NUL"
        case 10:
            result.frame.bytes = (0..<(4 * random.within(1...48))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            result.note = "\(result.frame.bytes.count) random bytes"
            result.desynchronizes = true
        case 11:
            result.frame.bytes.removeLast(random.within(1...max(1, size - 1)))
            result.note = "first \(result.frame.bytes.count) bytes of \(size), then hang up"
            result.desynchronizes = true
        case 12:
            // Arguments missing from the end: the size says so honestly.
            let cut = min(size - 8, 4 * random.within(1...4))
            if cut > 0 { result.frame.bytes.removeLast(cut) }
            result.frame.setHeader(size: result.frame.bytes.count, opcode: opcode(planned))
            result.note = "message \(cut) bytes short"
        default:
            // Two messages in one frame, the second for an object that was just destroyed or never existed.
            var second = Frame.request(object: session.nextID + 1000, opcode: 0, [.uint(random.u32())])
            second.fds = []
            result.frame.bytes.append(contentsOf: second.bytes)
            result.note = "followed by a message for object \(session.nextID + 1000)"
        }
        return result
    }

    private func opcode(_ planned: Planned) -> UInt16 {
        UInt16(truncatingIfNeeded: planned.frame.bytes.count >= 8 ? UInt32(planned.frame.bytes[4]) | UInt32(planned.frame.bytes[5]) << 8 : 0)
    }
}
