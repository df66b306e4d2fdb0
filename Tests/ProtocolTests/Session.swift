import CProtocolsClient
import CWaylandClient
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// Every protocol test: one Seawall in this process, libwayland clients connected to it over socketpairs,
/// one thread driving both. Serialized, so that one server at a time runs here; after every test the
/// `checksResources` trait requires the server gone, its sockets closed, no pool memfd left open or mapped,
/// and (when the process runs only these tests) the fd and file-mapping totals as they were.
@Suite(.serialized, .checksResources(marker: PoolFile.marker, exclusive: ResourceScope.runsAlone("ProtocolTests")))
struct ProtocolTests {}

/// One in-process Seawall (640×480, frames stepped by the test) and its clients. Clients disconnect before
/// the server goes, as they would in a real session.
final class Session {
    let harness: Harness
    var server: Server { harness.server }
    private var clients: [TestClient] = []

    /// The output's background where no window is (Configuration.background).
    static let background: UInt32 = 0x20_2830

    init(scanout: ScanoutTarget = NullScanout(), configure: (inout Configuration) -> Void = { _ in }) throws {
        harness = try Harness(width: 640, height: 480, scanout: scanout, configure: configure)
        ResourceScope.current?.expectReleased(harness.server, "the server")
        ResourceScope.current?.expectReleased(harness.server.display, "the server's display")
    }

    deinit {
        for client in clients { client.link.disconnect() }
    }

    /// A new client with its registry read.
    func connect() throws -> TestClient {
        let client = try TestClient(server: server)
        clients.append(client)
        return client
    }

    /// The server repaints now; every client then reads what that sent (frame callbacks, releases).
    func repaint() {
        server.repaint()
        for client in clients { client.link.dispatchArrived() }
    }

    /// The output pixel at (x, y) as 0xRRGGBB.
    func pixel(_ x: Int64, _ y: Int64) -> UInt32 {
        server.renderer.image.pixel(x: Int(x), y: Int(y)) & 0xFF_FFFF
    }

    /// A toplevel through the first half of the handshake: its initial commit (no buffer) answered by a
    /// configure, which is acked unless `ack` is false.
    func configuredWindow(_ client: TestClient, appID: String, ack: Bool = true) throws -> Toplevel {
        let window = try Toplevel(client, appID: appID)
        wl_surface_commit(window.surface)
        try #require(client.link.roundtrip())
        #expect(window.serials.count == 1, "the initial commit got \(window.serials.count) configures")
        if ack { try window.ackLatest() }
        return window
    }

    /// A `width`×`height` XRGB window of one `color` from `client`, through the whole handshake: initial
    /// commit, configure, ack, a sealed pool, attach, damage, commit. Returns the toplevel, its pool file
    /// and the pool.
    @discardableResult
    func showWindow(_ client: TestClient, appID: String, width: Int32 = 40, height: Int32 = 30,
                    color: UInt32) throws -> (toplevel: Toplevel, file: PoolFile, pool: OpaquePointer) {
        let window = try configuredWindow(client, appID: appID)
        let file = try PoolFile(size: Int(width * height * 4))
        file.fill(width: Int(width), height: Int(height), color: color)
        let pool = try client.pool(file)
        let buffer = try client.buffer(pool, width: width, height: height)
        client.show(buffer, on: window.surface, width: width, height: height)
        try #require(client.link.roundtrip())
        return (window, file, pool)
    }

    /// The output position of the window with `appID`, if it is mapped.
    func position(of appID: String) -> (x: Int64, y: Int64)? {
        server.windows.first { $0.appID == appID && $0.mapped }.map { ($0.x, $0.y) }
    }

    /// After another client's protocol error: a new client still gets a window up, and its pixels out.
    func expectStillServing(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let client = try connect()
        try showWindow(client, appID: "newcomer", width: 16, height: 16, color: 0x33_CC66)
        repaint()
        let origin = try #require(position(of: "newcomer"), "the newcomer's window is not mapped",
                                  sourceLocation: sourceLocation)
        #expect(pixel(origin.x + 8, origin.y + 8) == 0x33_CC66, sourceLocation: sourceLocation)
        #expect(client.link.errorNumber == 0, sourceLocation: sourceLocation)
    }

    /// `client`'s requests so far end its connection with exactly this protocol error, the server lets it
    /// go, and keeps serving others.
    func expectProtocolError(_ client: TestClient, interface: String, code: UInt32, message: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!client.link.roundtrip(), "the request was accepted", sourceLocation: sourceLocation)
        let error = try #require(client.link.protocolError, "the connection failed without a protocol error (errno \(client.link.errorNumber))",
                                 sourceLocation: sourceLocation)
        #expect(error.interface == interface, "\(error)", sourceLocation: sourceLocation)
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message == message, sourceLocation: sourceLocation)
        let others = clients.filter { $0 !== client && $0.link.isConnected }.count
        #expect(server.clientCount == others, "the server still holds the failed client", sourceLocation: sourceLocation)
        try expectStillServing(sourceLocation: sourceLocation)
    }
}
