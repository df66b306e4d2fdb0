import CClientShims
import CProtocolsClient
import CWaylandClient
import ClientMemory
import DemoClientKit
import Glibc
import SeawallTestSupport
import SystemCalls
import Testing
import WaylandServer

/// A client of the session's server: an `InProcessClient` with its registry read, binding globals on demand.
final class TestClient {
    let link: InProcessClient
    private(set) var registry: OpaquePointer?
    /// Every global announced: interface → (name, version).
    private(set) var globals: [String: (name: UInt32, version: UInt32)] = [:]
    /// The formats wl_shm announced, in order.
    private(set) var shmFormats: [UInt32] = []
    /// Every wl_output global, in the order announced (one per output: SEAWALL-1, SEAWALL-2, …); `globals`
    /// keeps the last.
    private(set) var outputGlobals: [(name: UInt32, version: UInt32)] = []

    /// Connects and reads the registry (`wl_display.get_registry` + a roundtrip).
    init(server: Server) throws {
        link = try InProcessClient(server: server)
        registry = link.track(wl_display_get_registry(link.display))
        wl_registry_add_listener(registry, TestClient.registryListener, Unmanaged.passUnretained(self).toOpaque())
        try #require(link.roundtrip(), "the registry roundtrip failed")
    }

    deinit { link.disconnect() }

    /// `wl_registry.bind` of the global named `interface` at `version`.
    func bind(_ interface: String, version: UInt32) throws -> OpaquePointer {
        let global = try #require(globals[interface], "no \(interface) global")
        return try bind(interface, name: global.name, version: version)
    }

    /// `wl_registry.bind` of the `index`-th wl_output global (0: the first output).
    func bindOutput(_ index: Int, version: UInt32 = 4) throws -> OpaquePointer {
        try #require(outputGlobals.indices.contains(index), "no wl_output global number \(index) (\(outputGlobals.count) announced)")
        return try bind("wl_output", name: outputGlobals[index].name, version: version)
    }

    private func bind(_ interface: String, name: UInt32, version: UInt32) throws -> OpaquePointer {
        let table = try #require(sw_client_interface_named(interface), "no client table for \(interface)")
        let proxy = wl_registry_bind(registry, name, table, version).map(OpaquePointer.init)
        return try #require(link.track(proxy))
    }

    private var bound: [String: OpaquePointer] = [:]
    /// Objects whose listeners get this client's events: kept as long as the client, so that an event
    /// arriving after a test dropped one never reaches freed memory.
    private var listeners: [AnyObject] = []

    func keep(_ object: AnyObject) { listeners.append(object) }

    /// One proxy per interface for this client, bound at first use.
    private func global(_ interface: String, version: UInt32) throws -> OpaquePointer {
        if let proxy = bound[interface] { return proxy }
        let proxy = try bind(interface, version: version)
        bound[interface] = proxy
        return proxy
    }

    func compositor() throws -> OpaquePointer { try global("wl_compositor", version: 4) }
    func wmBase() throws -> OpaquePointer { try global("xdg_wm_base", version: 1) }

    /// wl_shm, listening for its formats.
    func shm() throws -> OpaquePointer {
        if let proxy = bound["wl_shm"] { return proxy }
        let shm = try global("wl_shm", version: 1)
        wl_shm_add_listener(shm, TestClient.shmListener, Unmanaged.passUnretained(self).toOpaque())
        return shm
    }

    /// `wl_compositor.create_surface`.
    func surface() throws -> OpaquePointer {
        try #require(link.track(wl_compositor_create_surface(try compositor())))
    }

    /// `wl_shm.create_pool` on `file` with `size` (the file's size unless given).
    func pool(_ file: PoolFile, size: Int32? = nil) throws -> OpaquePointer {
        try #require(link.track(wl_shm_create_pool(try shm(), file.fd.rawValue, size ?? Int32(file.size))))
    }

    /// `wl_shm_pool.create_buffer` (XRGB8888 unless told otherwise).
    func buffer(_ pool: OpaquePointer, offset: Int32 = 0, width: Int32, height: Int32, stride: Int32? = nil,
                format: UInt32 = WL_SHM_FORMAT_XRGB8888.rawValue) throws -> OpaquePointer {
        try #require(link.track(wl_shm_pool_create_buffer(pool, offset, width, height, stride ?? width * 4, format)))
    }

    /// Attaches `buffer` to `surface`, damages all of it, and commits.
    func show(_ buffer: OpaquePointer, on surface: OpaquePointer, width: Int32, height: Int32) {
        wl_surface_attach(surface, buffer, 0, 0)
        wl_surface_damage_buffer(surface, 0, 0, width, height)
        wl_surface_commit(surface)
    }

    /// `wl_surface.frame`, recorded.
    func frame(_ surface: OpaquePointer) throws -> CallbackRecord {
        let callback = try #require(wl_surface_frame(surface))
        let record = CallbackRecord()
        record.listen(to: callback)
        return record
    }

    nonisolated(unsafe) static let registryListener = listenerTable(wl_registry_listener(
        global: { data, _, name, interface, version in
            guard let data, let interface else { return }
            let client = Unmanaged<TestClient>.fromOpaque(data).takeUnretainedValue()
            let interfaceName = String(cString: interface)
            client.globals[interfaceName] = (name, version)
            if interfaceName == "wl_output" { client.outputGlobals.append((name, version)) }
        },
        global_remove: { _, _, _ in }))

    nonisolated(unsafe) static let shmListener = listenerTable(wl_shm_listener(
        format: { data, _, format in
            guard let data else { return }
            Unmanaged<TestClient>.fromOpaque(data).takeUnretainedValue().shmFormats.append(format)
        }))
}

/// The memory behind a client pool: a memfd whose name carries `marker` (so the resource check finds its
/// fds and mappings on both sides), sealed against shrinking unless asked not to be, mapped read-write.
final class PoolFile {
    static let marker = "seawall-proto"

    enum Kind: String, CaseIterable, Sendable {
        /// MFD_ALLOW_SEALING + F_SEAL_SHRINK: what Seawall takes.
        case sealed
        /// MFD_ALLOW_SEALING, never sealed.
        case sealable
        /// No MFD_ALLOW_SEALING: the kernel gives it F_SEAL_SEAL, so it can never be sealed.
        case unsealable
    }

    let fd: OwnedFD
    private var mapping: WritableMapping
    private(set) var size: Int

    init(size: Int, kind: Kind = .sealed) throws {
        switch kind {
        case .sealed:
            fd = try Memfd.createSealed(name: PoolFile.marker, size: Int64(size), seals: [.shrink])
        case .sealable, .unsealable:
            fd = try Memfd.create(name: PoolFile.marker, allowSealing: kind == .sealable)
            try fd.truncate(to: Int64(size))
        }
        mapping = try WritableMapping(fd: fd, count: size)
        self.size = size
    }

    /// `ftruncate` larger (the shrink seal allows it), then `mremap`.
    func grow(to newSize: Int) throws {
        try fd.truncate(to: Int64(newSize))
        try mapping.grow(to: newSize)
        size = newSize
    }

    /// Fills `height` rows of `width` pixels whose bytes are `pixel` (any bytes per pixel), rows `stride` bytes
    /// apart from the pool's start; the padding at each row's end gets 0xAA bytes, which must never show.
    func fill(pixel: [UInt8], width: Int, height: Int, stride: Int) {
        mapping.withMutableBytes { (bytes: UnsafeMutableRawBufferPointer) in
            precondition(stride * height <= bytes.count && stride >= width * pixel.count, "fill outside the pool")
            for y in 0..<height {
                for i in 0..<stride { bytes[y * stride + i] = i < width * pixel.count ? pixel[i % pixel.count] : 0xAA }
            }
        }
    }

    /// Fills a `width`×`height` rectangle of 32-bit pixels at `offset` with `color`.
    func fill(offset: Int = 0, width: Int, height: Int, stride: Int? = nil, color: UInt32) {
        let stride = stride ?? width * 4
        mapping.withMutableBytes { (bytes: UnsafeMutableRawBufferPointer) in
            precondition(offset + stride * height <= bytes.count, "fill outside the pool")
            for y in 0..<height {
                for x in 0..<width {
                    bytes.storeBytes(of: color.littleEndian, toByteOffset: offset + y * stride + x * 4, as: UInt32.self)
                }
            }
        }
    }
}

/// An xdg_toplevel with what it was told: configure serials and the toplevel's sizes and states.
final class Toplevel {
    let surface: OpaquePointer
    let xdgSurface: OpaquePointer
    let toplevel: OpaquePointer
    /// xdg_surface.configure serials, in order.
    private(set) var serials: [UInt32] = []
    /// xdg_toplevel.configure events: size and states.
    private(set) var configures: [(width: Int32, height: Int32, states: [UInt32])] = []
    /// xdg_toplevel.close events.
    private(set) var closes = 0
    /// xdg_toplevel.configure_bounds events (xdg_wm_base version 4 and later).
    private(set) var bounds: [(width: Int32, height: Int32)] = []

    /// `get_xdg_surface` (on `wmBase`, else the client's version 1 xdg_wm_base) + `get_toplevel`
    /// (+ `set_app_id`); nothing is committed yet.
    init(_ client: TestClient, appID: String, wmBase: OpaquePointer? = nil) throws {
        surface = try client.surface()
        xdgSurface = try #require(client.link.track(xdg_wm_base_get_xdg_surface(try wmBase ?? client.wmBase(), surface)))
        toplevel = try #require(client.link.track(xdg_surface_get_toplevel(xdgSurface)))
        let data = Unmanaged.passUnretained(self).toOpaque()
        xdg_surface_add_listener(xdgSurface, Toplevel.surfaceListener, data)
        xdg_toplevel_add_listener(toplevel, Toplevel.toplevelListener, data)
        xdg_toplevel_set_app_id(toplevel, appID)
        client.keep(self)
    }

    /// Acks the latest configure.
    func ackLatest() throws {
        xdg_surface_ack_configure(xdgSurface, try #require(serials.last, "no configure to ack"))
    }

    nonisolated(unsafe) static let surfaceListener = listenerTable(xdg_surface_listener(
        configure: { data, _, serial in
            guard let data else { return }
            Unmanaged<Toplevel>.fromOpaque(data).takeUnretainedValue().serials.append(serial)
        }))

    nonisolated(unsafe) static let toplevelListener = listenerTable(xdg_toplevel_listener(
        configure: { data, _, width, height, states in
            guard let data else { return }
            var values: [UInt32] = []
            if let states, let base = states.pointee.data {
                let words = base.bindMemory(to: UInt32.self, capacity: states.pointee.size / 4)
                values = (0..<states.pointee.size / 4).map { words[$0] }
            }
            Unmanaged<Toplevel>.fromOpaque(data).takeUnretainedValue().configures.append((width, height, values))
        },
        close: { data, _ in
            guard let data else { return }
            Unmanaged<Toplevel>.fromOpaque(data).takeUnretainedValue().closes += 1
        },
        configure_bounds: { data, _, width, height in
            guard let data else { return }
            Unmanaged<Toplevel>.fromOpaque(data).takeUnretainedValue().bounds.append((width, height))
        },
        wm_capabilities: { _, _, _ in }))
}
