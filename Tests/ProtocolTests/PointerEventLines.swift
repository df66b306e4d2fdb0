import CWaylandClient
import DemoClientKit
import Testing

/// What a test client's objects hear, one line each, in the order they arrive: the user data of their
/// listeners. The wl_pointer listener is here; suites add listeners for their own objects in a subclass.
class PointerEventLines {
    var lines: [String] = []

    /// The lines so far, and none kept.
    func take() -> [String] {
        defer { lines = [] }
        return lines
    }

    static func from(_ data: UnsafeMutableRawPointer?) -> PointerEventLines? {
        data.map { Unmanaged<PointerEventLines>.fromOpaque($0).takeUnretainedValue() }
    }

    var data: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Records the events of `client`'s wl_pointer (from its wl_seat, version 7), made here; kept as long as
    /// the client. Returns the wl_pointer.
    func recordPointer(of client: TestClient) throws -> OpaquePointer {
        client.keep(self)
        let seat = try client.bind("wl_seat", version: 7)
        let pointer = try #require(client.link.track(wl_seat_get_pointer(seat)))
        wl_pointer_add_listener(pointer, Self.pointerListener, data)
        return pointer
    }

    /// wl_pointer: "enter X,Y", "leave", "motion X,Y", "button", "frame" (axis events are not recorded).
    nonisolated(unsafe) static let pointerListener: UnsafeMutablePointer<wl_pointer_listener> = {
        var table = wl_pointer_listener()
        table.enter = { data, _, _, _, x, y in from(data)?.lines.append("enter \(wl_fixed_to_double(x)),\(wl_fixed_to_double(y))") }
        table.leave = { data, _, _, _ in from(data)?.lines.append("leave") }
        table.motion = { data, _, _, x, y in from(data)?.lines.append("motion \(wl_fixed_to_double(x)),\(wl_fixed_to_double(y))") }
        table.button = { data, _, _, _, _, _ in from(data)?.lines.append("button") }
        table.axis = { _, _, _, _, _ in }
        table.frame = { data, _ in from(data)?.lines.append("frame") }
        table.axis_source = { _, _, _ in }
        table.axis_stop = { _, _, _, _ in }
        table.axis_discrete = { _, _, _, _ in }
        return listenerTable(table)
    }()
}
