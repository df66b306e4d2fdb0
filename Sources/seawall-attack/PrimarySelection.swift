import CClientShims
import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// The primary selection (middle-click paste) as a channel to other clients, under the clipboard's limits:
/// MIME types capped in number and size, only the focused client sets it, and a source's pipes are Seawall's
/// to close whatever the source does.
let primarySelectionScenarios: [Scenario] = [
    Scenario(name: "primary-selection-mime-type-too-long", summary: "a zwp_primary_selection_source_v1 offering a 4000-byte MIME type") { client in
        guard let source = primarySource(client) else { return note("no zwp_primary_selection_device_manager_v1") }
        zwp_primary_selection_source_v1_offer(source, "text/" + String(repeating: "x", count: 3995))
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "primary-selection-too-many-mime-types", summary: "a zwp_primary_selection_source_v1 offering 65 MIME types") { client in
        guard let source = primarySource(client) else { return note("no zwp_primary_selection_device_manager_v1") }
        for i in 0..<65 { zwp_primary_selection_source_v1_offer(source, "text/x-seawall-\(i)") }
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "primary-selection-from-background", summary: "primary set_selection 100 times from a client without the keyboard focus") { client in
        guard let (device, counts) = primaryDevice(client), let source = primarySource(client, counts) else { return note("no primary device") }
        zwp_primary_selection_source_v1_offer(source, "text/plain")
        for _ in 0..<100 { zwp_primary_selection_device_v1_set_selection(device, source, 0) }
        wl_display_roundtrip(client.display)
        note("source cancelled \(counts.pointee.cancelled) times, \(counts.pointee.offers) offers")
        zwp_primary_selection_device_v1_destroy(device)
        zwp_primary_selection_source_v1_destroy(source)
    },
    Scenario(name: "primary-selection-flood", summary: "the focused client sets 1000 primary sources, each replacing the last") { client in
        guard client.shownWindow() != nil, let (device, counts) = primaryDevice(client) else { return note("no primary device") }
        var sources: [OpaquePointer] = []
        for i in 0..<1000 {
            guard let source = primarySource(client, counts) else { return }
            zwp_primary_selection_source_v1_offer(source, "text/x-seawall-\(i)")
            zwp_primary_selection_device_v1_set_selection(device, source, 0)
            sources.append(source)
            if i % 50 == 49 { wl_display_roundtrip(client.display) }
        }
        wl_display_roundtrip(client.display)
        note("source cancelled \(counts.pointee.cancelled) times")
        for source in sources { zwp_primary_selection_source_v1_destroy(source) }
        wl_display_roundtrip(client.display)
        note("offers \(counts.pointee.offers), last selection \(counts.pointee.lastSelection == nil ? "null" : "an offer")")
    },
    Scenario(name: "primary-selection-receive-flood-then-destroy", summary: "200 receives of its own primary selection, then the source destroyed and a stale receive") { client in
        guard client.shownWindow() != nil, let (device, counts) = primaryDevice(client), let source = primarySource(client, counts)
        else { return note("no primary device") }
        zwp_primary_selection_source_v1_offer(source, "text/plain")
        zwp_primary_selection_device_v1_set_selection(device, source, 0)
        wl_display_roundtrip(client.display)
        guard let offer = counts.pointee.lastSelection else { return note("no offer came") }
        for _ in 0..<200 {
            var pipeFDs: [Int32] = [-1, -1]
            guard pipe(&pipeFDs) == 0 else { return note("pipe failed") }
            zwp_primary_selection_offer_v1_receive(offer, "text/plain", pipeFDs[1])
            zwp_primary_selection_offer_v1_receive(offer, "image/png", pipeFDs[1])   // not offered: no send
            close(pipeFDs[0]); close(pipeFDs[1])
        }
        wl_display_roundtrip(client.display)
        note("sends \(counts.pointee.sends)")
        zwp_primary_selection_source_v1_destroy(source)
        wl_display_roundtrip(client.display)
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return note("pipe failed") }
        zwp_primary_selection_offer_v1_receive(offer, "text/plain", pipeFDs[1])
        close(pipeFDs[1])
        wl_display_roundtrip(client.display)
        // Seawall's copy of the write end is closed at once: the read end sees end of file, not a hang.
        var entry = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        let eof = poll(&entry, 1, 2000) == 1 && read(pipeFDs[0], &byte, 1) == 0
        close(pipeFDs[0])
        note("stale offer: \(eof ? "end of file" : "no end of file"), selection \(counts.pointee.lastSelection == nil ? "null" : "an offer")")
        zwp_primary_selection_offer_v1_destroy(offer)
        zwp_primary_selection_device_v1_destroy(device)
    },
]

/// What a scenario's primary selection listeners saw.
struct PrimaryCounts {
    var cancelled = 0, sends = 0, offers = 0
    var lastSelection: OpaquePointer?
}

/// A new zwp_primary_selection_source_v1 (nil without the manager), counting into `counts` if given.
private func primarySource(_ client: AttackClient, _ counts: UnsafeMutablePointer<PrimaryCounts>? = nil) -> OpaquePointer? {
    guard let manager = client.primarySelectionManager, let source = zwp_primary_selection_device_manager_v1_create_source(manager)
    else { return nil }
    if let counts { zwp_primary_selection_source_v1_add_listener(source, primarySourceListener, counts) }
    return source
}

/// The seat's zwp_primary_selection_device_v1 and the counts its listeners (and its sources') fill.
private func primaryDevice(_ client: AttackClient) -> (OpaquePointer, UnsafeMutablePointer<PrimaryCounts>)? {
    guard let manager = client.primarySelectionManager, let seat = client.input?.seat,
          let device = zwp_primary_selection_device_manager_v1_get_device(manager, seat) else { return nil }
    let counts = UnsafeMutablePointer<PrimaryCounts>.allocate(capacity: 1)   // the listeners', for the process's life
    counts.initialize(to: PrimaryCounts())
    zwp_primary_selection_device_v1_add_listener(device, primaryDeviceListener, counts)
    return (device, counts)
}

private func counts(_ data: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<PrimaryCounts>? {
    data?.assumingMemoryBound(to: PrimaryCounts.self)
}

private nonisolated(unsafe) let primarySourceListener = listenerTable(zwp_primary_selection_source_v1_listener(
    send: { data, _, _, fd in
        counts(data)?.pointee.sends += 1
        close(fd)
    },
    cancelled: { data, _ in counts(data)?.pointee.cancelled += 1 }))

private nonisolated(unsafe) let primaryDeviceListener = listenerTable(zwp_primary_selection_device_v1_listener(
    data_offer: { data, _, _ in counts(data)?.pointee.offers += 1 },
    selection: { data, _, offer in
        // A newer offer replaces the last, which is destroyed as a client should (a null selection leaves the
        // last to the scenario, which may still use it).
        if let offer, let old = counts(data)?.pointee.lastSelection, old != offer { zwp_primary_selection_offer_v1_destroy(old) }
        counts(data)?.pointee.lastSelection = offer
    }))
