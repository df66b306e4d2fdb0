import CClientShims
import CWaylandClient
import DemoClientKit
import Glibc

/// The clipboard as a channel to other clients: wl_data_source MIME types are copied into every offer that
/// the client with the keyboard focus receives, so their number and size are capped, and only that client
/// may set the selection.
let selectionScenarios: [Scenario] = [
    Scenario(name: "selection-mime-type-too-long", summary: "a wl_data_source offering a 4000-byte MIME type") { client in
        guard let source = client.dataSource() else { return note("no wl_data_device_manager") }
        wl_data_source_offer(source, "text/" + String(repeating: "x", count: 3995))
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "selection-too-many-mime-types", summary: "a wl_data_source offering 65 MIME types") { client in
        guard let source = client.dataSource() else { return note("no wl_data_device_manager") }
        for i in 0..<65 { wl_data_source_offer(source, "text/x-seawall-\(i)") }
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "selection-from-background", summary: "set_selection 100 times from a client without the keyboard focus") { client in
        guard let source = client.dataSource(), let manager = client.dataDeviceManager, let seat = client.input?.seat,
              let device = wl_data_device_manager_get_data_device(manager, seat) else { return note("no data device") }
        wl_data_source_offer(source, "text/plain")
        let cancelled = UnsafeMutablePointer<Int>.allocate(capacity: 1)   // the listener's, for the process's life
        cancelled.initialize(to: 0)
        wl_data_source_add_listener(source, selectionSourceListener, cancelled)
        for _ in 0..<100 { wl_data_device_set_selection(device, source, 0) }
        wl_display_roundtrip(client.display)
        note("source cancelled \(cancelled.pointee) times")
        wl_data_device_release(device)
        wl_data_source_destroy(source)
    },
]

/// Counts wl_data_source.cancelled into the Int its user data points at.
private nonisolated(unsafe) let selectionSourceListener = listenerTable(wl_data_source_listener(
    target: { _, _, _ in },
    send: { _, _, _, fd in close(fd) },
    cancelled: { data, _ in data?.assumingMemoryBound(to: Int.self).pointee += 1 },
    dnd_drop_performed: { _, _ in },
    dnd_finished: { _, _ in },
    action: { _, _, _ in }))
