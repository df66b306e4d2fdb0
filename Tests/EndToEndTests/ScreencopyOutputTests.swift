import CClientShims
import CProtocolsClient
import CWaylandClient
import Compositor
import Control
import DemoClientKit
import Glibc
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// zwlr_screencopy_manager_v1 with two outputs, from a libwayland client in this process: each capture reads
/// the output its wl_output names (its frame, its size, a region in its own logical coordinates times its
/// scale), and the hostile ones — a region off the output or with extreme numbers, the wrong buffer, the
/// wl_output released before the copy, two copies — end as the protocol says, for that client alone.
@Suite(.serialized)
struct ScreencopyOutputTests {
    /// SEAWALL-1: 320x240 at 0,0; SEAWALL-2: 200x160 pixels at scale 2 (100x80 logical) at 320,0. A solid
    /// #3366cc window from x 290 to 350, y 10 to 50 straddles them: on SEAWALL-2 it is pixels 0…60, rows 20…100.
    static func session() throws -> (Harness, ChildProcess) {
        let harness = try Harness(width: 320, height: 240) {
            $0.outputs = [OutputSpec(width: 320, height: 240), OutputSpec(width: 200, height: 160, scale: OutputScale(integer: 2))]
        }
        let demo = try harness.demo(["solid", "--size", "60x40", "--color", "3366cc", "--frames", "1", "--hold"])
        try harness.run { harness.window(appID: "seawall-demo.solid")?.mapped == true }
        let window = try #require(harness.window(appID: "seawall-demo.solid"))
        harness.server.placeWindow(window.surface, x: 290, y: 10)
        harness.repaint()
        return (harness, demo)
    }

    static let blue: (UInt8, UInt8, UInt8) = (0x33, 0x66, 0xCC)
    static let background: (UInt8, UInt8, UInt8) = (0x20, 0x28, 0x30)

    @Test("capture_output of each wl_output gets that output's frame at its size; capture_output_region a region in the output's own logical coordinates, in its pixels")
    func capturesEachOutput() throws {
        let (harness, demo) = try Self.session()
        defer { demo.terminate() }
        let client = try ScreencopyClient(server: harness.server)
        let first = try client.capture(output: 0)
        #expect(first.announced == [320, 240])
        let second = try client.capture(output: 1)
        #expect(second.announced == [200, 160])
        let one = try client.copy(first), two = try client.copy(second)
        #expect(one == RGBImage(harness.server.heads[0].renderer.image))
        #expect(two == RGBImage(harness.server.heads[1].renderer.image))
        #expect(two.pixel(x: 0, y: 20) == Self.blue && two.pixel(x: 59, y: 99) == Self.blue && two.pixel(x: 60, y: 20) == Self.background)
        #expect(one.pixel(x: 290, y: 10) == Self.blue && one.pixel(x: 289, y: 10) == Self.background)

        // 20x30 logical from 10,5 of SEAWALL-2: 40x60 of its pixels from 20,10.
        let region = try client.capture(output: 1, region: (10, 5, 20, 30))
        #expect(region.announced == [40, 60])
        let part = try client.copy(region)
        #expect(part == (try Screenshot.crop(two, to: Rect(x: 20, y: 10, width: 40, height: 60))))
        // A region running past the output's edge is clipped to it.
        let edge = try client.capture(output: 1, region: (90, 70, 50, 50))
        #expect(edge.announced == [20, 20])
        #expect(try client.copy(edge) == (try Screenshot.crop(two, to: Rect(x: 180, y: 140, width: 20, height: 20))))
        #expect(client.link.protocolError == nil)
    }

    @Test("a region off the output, or of extreme numbers, fails without a protocol error; the client goes on")
    func hostileRegions() throws {
        let (harness, demo) = try Self.session()
        defer { demo.terminate() }
        let client = try ScreencopyClient(server: harness.server)
        // SEAWALL-2 is 100x80 logical in its own coordinates: layout coordinates (its 320,0) are not its.
        for region in [(100, 0, 10, 10), (320, 0, 50, 50), (0, 80, 10, 10), (Int32.min, Int32.min, Int32.max, Int32.max),
                       (5, 5, 0, 10), (5, 5, -10, 10), (Int32.max, Int32.max, Int32.max, Int32.max)] as [(Int32, Int32, Int32, Int32)] {
            let frame = try client.capture(output: 1, region: region)
            #expect(frame.failed && frame.announced == nil, "region \(region) of SEAWALL-2")
            // A copy after failed fails again.
            let buffer = try client.buffer(width: 1, height: 1)
            zwlr_screencopy_frame_v1_copy(frame.proxy, buffer.proxy)
            #expect(client.link.roundtrip() && frame.failures == 2)
        }
        // A region from far outside that covers the output is the whole output.
        let whole = try client.capture(output: 1, region: (-1_000_000, -1_000_000, Int32.max, Int32.max))
        #expect(whole.announced == [200, 160])
        #expect(try client.copy(whole) == RGBImage(harness.server.heads[1].renderer.image))
        #expect(client.link.protocolError == nil)
    }

    @Test("the wl_output released between capture and copy: the copy is still of that output")
    func outputReleasedBeforeCopy() throws {
        let (harness, demo) = try Self.session()
        defer { demo.terminate() }
        let client = try ScreencopyClient(server: harness.server)
        let frame = try client.capture(output: 1)
        wl_output_release(client.outputs[1])
        client.link.forget(client.outputs[1])
        #expect(client.link.roundtrip())
        #expect(try client.copy(frame) == RGBImage(harness.server.heads[1].renderer.image))
        #expect(client.link.protocolError == nil)
    }

    @Test("a buffer of the first output's size for the second's frame is invalid_buffer, naming the output and the size; another client goes on capturing")
    func wrongBuffer() throws {
        let (harness, demo) = try Self.session()
        defer { demo.terminate() }
        let hostile = try ScreencopyClient(server: harness.server)
        let frame = try hostile.capture(output: 1)
        let buffer = try hostile.buffer(width: 320, height: 240)
        zwlr_screencopy_frame_v1_copy(frame.proxy, buffer.proxy)
        hostile.link.roundtrip()
        let error = try #require(hostile.link.protocolError)
        #expect(error.interface == "zwlr_screencopy_frame_v1" && error.code == ZWLR_SCREENCOPY_FRAME_V1_ERROR_INVALID_BUFFER.rawValue)
        #expect(error.message == "screencopy of SEAWALL-2 needs a 200x160 XRGB8888 or ARGB8888 wl_shm buffer", "\(error)")

        let good = try ScreencopyClient(server: harness.server)
        #expect(try good.copy(try good.capture(output: 1)) == RGBImage(harness.server.heads[1].renderer.image))
        #expect(good.link.protocolError == nil)
    }

    @Test("a second copy on one frame is already_used; an ARGB8888 buffer is taken")
    func secondCopy() throws {
        let (harness, demo) = try Self.session()
        defer { demo.terminate() }
        let client = try ScreencopyClient(server: harness.server)
        let frame = try client.capture(output: 1)
        #expect(try client.copy(frame, format: WL_SHM_FORMAT_ARGB8888.rawValue) == RGBImage(harness.server.heads[1].renderer.image))
        let again = try client.buffer(width: 200, height: 160)
        zwlr_screencopy_frame_v1_copy(frame.proxy, again.proxy)
        client.link.roundtrip()
        let error = try #require(client.link.protocolError)
        #expect(error.code == ZWLR_SCREENCOPY_FRAME_V1_ERROR_ALREADY_USED.rawValue && error.message == "copy was already requested on this screencopy frame")
    }
}

/// A screencopy client: the registry read, wl_shm, zwlr_screencopy_manager_v1 (version 3) and every wl_output
/// (version 3) bound, in the order they were announced.
final class ScreencopyClient {
    let link: InProcessClient
    private var registry: OpaquePointer?
    private var announced: [(name: UInt32, interface: String, version: UInt32)] = []
    private(set) var outputs: [OpaquePointer] = []
    private var shm: OpaquePointer?
    private var manager: OpaquePointer?
    /// Listener data kept as long as the client.
    private var kept: [AnyObject] = []

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(server: Server) throws {
        link = try InProcessClient(server: server)
        registry = link.track(wl_display_get_registry(link.display))
        wl_registry_add_listener(registry, ScreencopyClient.registryListener, Unmanaged.passUnretained(self).toOpaque())
        guard link.roundtrip() else { throw Failure(description: "the registry roundtrip failed") }
        for global in announced {
            func bind(_ version: UInt32) -> OpaquePointer? {
                guard let table = sw_client_interface_named(global.interface) else { return nil }
                return link.track(wl_registry_bind(registry, global.name, table, min(version, global.version)).map(OpaquePointer.init))
            }
            switch global.interface {
            case "wl_output": if let output = bind(3) { outputs.append(output) }
            case "wl_shm": shm = bind(1)
            case "zwlr_screencopy_manager_v1": manager = bind(3)
            default: break
            }
        }
        guard link.roundtrip(), shm != nil, manager != nil else { throw Failure(description: "no wl_shm or screencopy manager") }
    }

    deinit { link.disconnect() }

    /// One capture and what it was told.
    final class Frame {
        let proxy: OpaquePointer
        var buffer: (format: UInt32, width: UInt32, height: UInt32, stride: UInt32)?
        var bufferDone = false
        var ready = false
        var failures = 0
        var failed: Bool { failures > 0 }
        var damage: [(UInt32, UInt32, UInt32, UInt32)] = []
        init(_ proxy: OpaquePointer) { self.proxy = proxy }
        /// The size the buffer event asked for, [width, height].
        var announced: [Int]? { buffer.map { [Int($0.width), Int($0.height)] } }
    }

    /// capture_output (or capture_output_region) of the `output`-th wl_output, until buffer_done or failed.
    func capture(output: Int, region: (Int32, Int32, Int32, Int32)? = nil) throws -> Frame {
        let proxy: OpaquePointer?
        if let (x, y, width, height) = region {
            proxy = zwlr_screencopy_manager_v1_capture_output_region(manager, 0, outputs[output], x, y, width, height)
        } else {
            proxy = zwlr_screencopy_manager_v1_capture_output(manager, 0, outputs[output])
        }
        guard let proxy = link.track(proxy) else { throw Failure(description: "capture failed on the client side") }
        let frame = Frame(proxy)
        kept.append(frame)
        zwlr_screencopy_frame_v1_add_listener(proxy, ScreencopyClient.frameListener, Unmanaged.passUnretained(frame).toOpaque())
        guard link.roundtrip() else { throw Failure(description: "the connection failed: \(String(describing: link.protocolError))") }
        return frame
    }

    /// A wl_shm buffer in a sealed pool of its own.
    final class Buffer {
        let proxy: OpaquePointer
        let memory: ClientPoolMemory
        let stride: Int
        init(proxy: OpaquePointer, memory: ClientPoolMemory, stride: Int) { self.proxy = proxy; self.memory = memory; self.stride = stride }
    }

    func buffer(width: Int, height: Int, format: UInt32 = WL_SHM_FORMAT_XRGB8888.rawValue) throws -> Buffer {
        let stride = width * 4
        let memory = try ClientPoolMemory(size: max(1, stride * height))
        // 0xAA in every byte: a copy that misses a pixel shows it.
        memory.withMutableBytes { bytes in for i in bytes.indices { bytes[i] = 0xAA } }
        guard let pool = wl_shm_create_pool(shm, memory.fd.rawValue, Int32(memory.size)),
              let proxy = link.track(wl_shm_pool_create_buffer(pool, 0, Int32(width), Int32(height), Int32(stride), format)) else {
            throw Failure(description: "could not make a buffer")
        }
        wl_shm_pool_destroy(pool)
        let buffer = Buffer(proxy: proxy, memory: memory, stride: stride)
        kept.append(buffer)
        return buffer
    }

    /// Copies `frame` into a buffer of the size it asked for and returns the pixels, once ready.
    func copy(_ frame: Frame, format: UInt32 = WL_SHM_FORMAT_XRGB8888.rawValue) throws -> RGBImage {
        guard let (_, width, height, _) = frame.buffer else { throw Failure(description: "the frame asked for no buffer") }
        let buffer = try buffer(width: Int(width), height: Int(height), format: format)
        zwlr_screencopy_frame_v1_copy(frame.proxy, buffer.proxy)
        guard link.roundtrip(), frame.ready else {
            throw Failure(description: "no ready event (failed: \(frame.failed), error: \(String(describing: link.protocolError)))")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(width * height) * 3)
        buffer.memory.withMutableBytes { memory in
            for y in 0..<Int(height) {
                for x in 0..<Int(width) {
                    let at = y * buffer.stride + x * 4   // little-endian XRGB: B, G, R, X
                    bytes += [memory[at + 2], memory[at + 1], memory[at]]
                }
            }
        }
        return RGBImage(width: Int(width), height: Int(height), bytes: bytes)
    }

    nonisolated(unsafe) static let registryListener = listenerTable(wl_registry_listener(
        global: { data, _, name, interface, version in
            guard let data, let interface else { return }
            Unmanaged<ScreencopyClient>.fromOpaque(data).takeUnretainedValue().announced.append((name, String(cString: interface), version))
        },
        global_remove: { _, _, _ in }))

    nonisolated(unsafe) static let frameListener = listenerTable(zwlr_screencopy_frame_v1_listener(
        buffer: { data, _, format, width, height, stride in
            guard let data else { return }
            Unmanaged<Frame>.fromOpaque(data).takeUnretainedValue().buffer = (format, width, height, stride)
        },
        flags: { _, _, _ in },
        ready: { data, _, _, _, _ in
            guard let data else { return }
            Unmanaged<Frame>.fromOpaque(data).takeUnretainedValue().ready = true
        },
        failed: { data, _ in
            guard let data else { return }
            Unmanaged<Frame>.fromOpaque(data).takeUnretainedValue().failures += 1
        },
        damage: { data, _, x, y, width, height in
            guard let data else { return }
            Unmanaged<Frame>.fromOpaque(data).takeUnretainedValue().damage.append((x, y, width, height))
        },
        linux_dmabuf: { _, _, _, _, _ in },
        buffer_done: { data, _ in
            guard let data else { return }
            Unmanaged<Frame>.fromOpaque(data).takeUnretainedValue().bufferDone = true
        }))
}
