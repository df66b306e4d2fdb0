/// The configure serials a role object sent and the client has not acked yet (xdg_surface,
/// zwlr_layer_surface_v1), in constant memory whatever the client does.
///
/// The last `kept` serials are remembered exactly. A client that falls behind (a flood of configures it has
/// not read yet) may still ack one of the older ones: those are known only as a range, from the oldest serial
/// not acked to the oldest one kept, on the one wrapping serial counter they all come from.
struct ConfigureSerials {
    private var recent: [UInt32] = []
    /// The oldest serial sent and not acked, when it is older than everything in `recent`.
    private var oldestForgotten: UInt32?
    private let kept: Int

    init(kept: Int = 64) { self.kept = kept }

    var isEmpty: Bool { recent.isEmpty }

    /// How many serials are sent and not acked: those kept, plus the forgotten range before them.
    var count: Int {
        guard let oldest = oldestForgotten, let firstKept = recent.first else { return recent.count }
        return recent.count + Int(firstKept &- oldest)
    }

    mutating func sent(_ serial: UInt32) {
        recent.append(serial)
        if recent.count > kept {
            let dropped = recent.removeFirst()
            if oldestForgotten == nil { oldestForgotten = dropped }
        }
    }

    /// ack_configure(serial): whether that serial was sent and not acked yet. It and every older one are
    /// acked by it.
    mutating func ack(_ serial: UInt32) -> Bool {
        if let index = recent.firstIndex(of: serial) {
            recent.removeFirst(index + 1)
            oldestForgotten = nil
            return true
        }
        guard let oldest = oldestForgotten, let firstKept = recent.first else { return false }
        // Wrapping distance from the oldest forgotten serial: inside [oldest, firstKept) means forgotten but valid.
        guard serial &- oldest < firstKept &- oldest else { return false }
        oldestForgotten = serial &+ 1 == firstKept ? nil : serial &+ 1
        return true
    }

    mutating func removeAll() {
        recent.removeAll()
        oldestForgotten = nil
    }
}
