import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc
@testable import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// Direct frames (a full-screen opaque buffer shown without composing it): the client gets its buffer
    /// back only when no frame still needs it, so what it draws into a released buffer never shows up in a
    /// frame already taken — not in the output image a later partial repaint builds on, not in a frame file.
    @Suite struct DirectFrames {
        static let red: UInt32 = 0xC0_1010, green: UInt32 = 0x10_C010, blue: UInt32 = 0x10_10C0, yellow: UInt32 = 0xE0_E020
        static let (width, height): (Int32, Int32) = (640, 480)
        static var frameBytes: Int { Int(width) * Int(height) * 4 }

        /// Counts wl_buffer.release events of one buffer.
        final class Releases {
            var count = 0
            func listen(to buffer: OpaquePointer, _ client: TestClient) {
                wl_buffer_add_listener(buffer, Releases.listener, Unmanaged.passUnretained(self).toOpaque())
                client.keep(self)
            }
            nonisolated(unsafe) static let listener = listenerTable(wl_buffer_listener(
                release: { data, _ in
                    guard let data else { return }
                    Unmanaged<Releases>.fromOpaque(data).takeUnretainedValue().count += 1
                }))
        }

        /// A full-screen window with two buffers in one sealed pool: A (all red) shown, B (red, with its top
        /// ten rows green: an update of A that damages only those rows) ready.
        struct FullScreen {
            let window: Toplevel
            let file: PoolFile
            let a: OpaquePointer, b: OpaquePointer
            let aReleases = Releases(), bReleases = Releases()

            init(_ session: Session, _ client: TestClient) throws {
                window = try session.configuredWindow(client, appID: "direct")
                file = try PoolFile(size: 2 * DirectFrames.frameBytes)
                file.fill(width: Int(width), height: Int(height), color: red)
                file.fill(offset: frameBytes, width: Int(width), height: Int(height), color: red)
                file.fill(offset: frameBytes, width: Int(width), height: 10, color: green)
                let pool = try client.pool(file)
                a = try client.buffer(pool, width: width, height: height)
                b = try client.buffer(pool, offset: Int32(frameBytes), width: width, height: height)
                aReleases.listen(to: a, client)
                bReleases.listen(to: b, client)
            }
        }

        @Test func aBufferReleasedAfterADirectFrameIsNotReadForAPartialRepaint() throws {
            let session = try Session()
            let client = try session.connect(), other = try session.connect()
            let screen = try FullScreen(session, client)
            client.show(screen.a, on: screen.window.surface, width: Self.width, height: Self.height)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(session.position(of: "direct").map { [$0.x, $0.y] } == [0, 0])
            #expect(session.server.directFrameCount == 1, "frame 1 (one full-screen XRGB buffer) was composed")
            #expect(session.server.renderer.direct != nil)

            // A small window of another client maps on top (frame 2 cannot be direct), and the full-screen
            // client swaps to B, damaging only B's top rows: frame 2 repaints those rows and the small window,
            // and takes every other pixel from frame 1 — A's.
            try session.showWindow(other, appID: "small", width: 20, height: 20, color: Self.yellow)
            wl_surface_attach(screen.window.surface, screen.b, 0, 0)
            wl_surface_damage_buffer(screen.window.surface, 0, 0, Self.width, 10)
            wl_surface_commit(screen.window.surface)
            try #require(client.link.roundtrip())
            // A client draws into a buffer as soon as it is released: here, blue.
            #expect(screen.aReleases.count == 0, "A was released while frame 1, not yet in the image, still needed it")
            if screen.aReleases.count > 0 { screen.file.fill(width: Int(Self.width), height: Int(Self.height), color: Self.blue) }

            session.repaint()
            #expect(session.server.directFrameCount == 1)
            #expect(screen.aReleases.count == 1, "A was not released once frame 2 was composed")
            screen.file.fill(width: Int(Self.width), height: Int(Self.height), color: Self.blue)

            let small = try #require(session.position(of: "small"))
            #expect(session.pixel(small.x + 5, small.y + 5) == Self.yellow)
            #expect(session.pixel(300, 5) == Self.green)
            #expect(session.pixel(300, 300) == Self.red, "frame 2 shows what the client wrote into its released buffer")
            #expect(session.pixel(639, 479) == Self.red)
            #expect(screen.bReleases.count == 0)
        }

        /// Direct frames dumped to files: frame 1 (A) is written as it was presented, although the client got
        /// A back and painted it blue before the writer thread got to frame 1 (held back until then).
        @Test func aFrameFileHoldsTheDirectFrameAsPresented() throws {
            var template = Array("/tmp/seawall-direct-XXXXXX".utf8CString)
            let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
            defer {
                for name in ["frame-000001.ppm", "frame-000002.ppm", "last.ppm", "last.png"] { unlink(directory + "/" + name) }
                rmdir(directory)
            }
            let gate = WriterGate()
            let scanout = try FileScanout(outputDirectory: directory, dumpEvery: 1, recording: nil, beforeWrite: { _ in gate.wait() })
            let session = try Session(scanout: scanout)
            let client = try session.connect()
            let screen = try FullScreen(session, client)
            client.show(screen.a, on: screen.window.surface, width: Self.width, height: Self.height)
            try #require(client.link.roundtrip())
            session.repaint()
            client.show(screen.b, on: screen.window.surface, width: Self.width, height: Self.height)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(session.server.directFrameCount == 2)
            #expect(screen.aReleases.count == 1, "A was not released after frame 2 replaced it")
            screen.file.fill(width: Int(Self.width), height: Int(Self.height), color: Self.blue)
            #expect(scanout.framesInFlight == 2, "the writer wrote a frame before the test let it")
            gate.open(2)
            _ = try session.server.finish()

            let first = try RGBImage(contentsOfPPM: directory + "/frame-000001.ppm")
            let second = try RGBImage(contentsOfPPM: directory + "/frame-000002.ppm")
            for (x, y) in [(0, 0), (300, 5), (300, 300), (639, 479)] {
                #expect(Self.rgb(first.pixel(x: x, y: y)) == Self.red, "frame 1 at (\(x), \(y))")
                #expect(Self.rgb(second.pixel(x: x, y: y)) == (y < 10 ? Self.green : Self.red), "frame 2 at (\(x), \(y))")
            }
        }

        static func rgb(_ p: (r: UInt8, g: UInt8, b: UInt8)) -> UInt32 { UInt32(p.r) << 16 | UInt32(p.g) << 8 | UInt32(p.b) }
    }
}

/// Holds the frame writer thread back until the test opens it: a pipe the writer reads a byte from before
/// each frame.
final class WriterGate: @unchecked Sendable {
    private let read: Int32, write: Int32
    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        (read, write) = (fds[0], fds[1])
    }
    func wait() { var byte: UInt8 = 0; _ = Glibc.read(read, &byte, 1) }
    /// Lets `frames` frames through.
    func open(_ frames: Int) { for _ in 0..<frames { var byte: UInt8 = 1; _ = Glibc.write(write, &byte, 1) } }
    deinit { close(read); close(write) }
}
