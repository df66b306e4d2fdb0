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
    receiveAfterShutdown,
    Scenario(name: "drag-the-selection", summary: "the focused client sets a source as the selection, then starts a drag with it") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let manager = client.dataDeviceManager, let seat = client.input?.seat, let window = client.window(),
              client.show(client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16), on: window.surface),
              let source = client.dataSource(), let device = wl_data_device_manager_get_data_device(manager, seat)
        else { return note("no data device") }
        let cancelled = UnsafeMutablePointer<Int>.allocate(capacity: 1)   // the listener's, for the process's life
        cancelled.initialize(to: 0)
        wl_data_source_add_listener(source, selectionSourceListener, cancelled)
        wl_data_source_offer(source, "text/plain")
        wl_data_device_set_selection(device, source, 0)
        wl_data_device_start_drag(device, source, window.surface, nil, 0)
        wl_display_roundtrip(client.display)
        note("source cancelled \(cancelled.pointee) times")
    },
]

/// The focused client pastes its own selection (wl_data_offer.receive, which Seawall answers at once with
/// wl_data_source.send to this same client) after shutting down the read side of its socket, so sending to
/// it fails while Seawall is still inside its request.
let receiveAfterShutdown = Scenario(name: "receive-after-shutdown", summary: "shut the socket's read side, then wl_data_offer.receive from its own selection") { client in
    let fd = client.sealedMemfd(4096)
    defer { close(fd) }
    guard let manager = client.dataDeviceManager, let seat = client.input?.seat, let compositor = client.compositor,
          let window = client.window(), client.show(client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16), on: window.surface),
          let source = client.dataSource(), let device = wl_data_device_manager_get_data_device(manager, seat)
    else { return note("no data device") }
    let offer = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)   // the listener's, for the process's life
    offer.initialize(to: nil)
    wl_data_device_add_listener(device, offerCatcher, offer)
    wl_data_source_offer(source, "text/plain")
    wl_data_device_set_selection(device, source, 0)
    wl_display_roundtrip(client.display)
    guard let received = offer.pointee else { return note("no offer came") }
    var pipeFDs: [Int32] = [-1, -1]
    guard pipe(&pipeFDs) == 0 else { return }
    defer { close(pipeFDs[0]); close(pipeFDs[1]) }
    shutdown(wl_display_get_fd(client.display), Int32(SHUT_RD))
    wl_data_offer_receive(received, "text/plain", pipeFDs[1])
    for _ in 0..<50 { wl_surface_commit(wl_compositor_create_surface(compositor)) }   // more in the same read
    drain(client.display)
    note("receive sent with the read side shut")
    usleep(500_000)
}

/// Keeps the last wl_data_offer introduced in the OpaquePointer? its user data points at.
private nonisolated(unsafe) let offerCatcher = listenerTable(wl_data_device_listener(
    data_offer: { data, _, offer in data?.assumingMemoryBound(to: OpaquePointer?.self).pointee = offer },
    enter: { _, _, _, _, _, _, _ in },
    leave: { _, _ in },
    motion: { _, _, _, _, _ in },
    drop: { _, _ in },
    selection: { _, _, _ in }))

/// Counts wl_data_source.cancelled into the Int its user data points at.
private nonisolated(unsafe) let selectionSourceListener = listenerTable(wl_data_source_listener(
    target: { _, _, _ in },
    send: { _, _, _, fd in close(fd) },
    cancelled: { data, _ in data?.assumingMemoryBound(to: Int.self).pointee += 1 },
    dnd_drop_performed: { _, _ in },
    dnd_finished: { _, _ in },
    action: { _, _, _ in }))
