import CWaylandServer
import Compositor
import Glibc
import Logging
import Render
import Scanout
import WaylandServer

/// An in-process Seawall in manual frame mode, fed by real client processes over socketpairs.
/// `run(until:)` dispatches client requests and repaints whenever something waits for a frame, so clients
/// are paced by their frame callbacks exactly as with a real frame clock, only as fast as they can go.
public final class Harness {
    public let server: Server
    public private(set) var children: [ChildProcess] = []
    /// Called after every repaint (tests use it to catch a particular frame).
    public var afterRepaint: ((Harness) -> Void)?
    /// Called before every repaint of `run`, while the frame's damage is still in `server.scene.damage`.
    public var beforeRepaint: ((Harness) -> Void)?
    /// The shortest time between repaints, in seconds: 0 repaints as soon as anything waits, which is as
    /// fast as clients can go; clients that animate by the frame callback's timestamp need real time to pass.
    public var frameInterval: Double = 0
    private var lastRepaint: Double = 0

    /// `configure` may change anything else (policy, limits, more outputs) before the server starts;
    /// `scanout` takes the first output's frames, `otherScanouts` those of the outputs after it.
    public init(width: Int = 640, height: Int = 480, listenOn socket: String? = nil,
                scanout: ScanoutTarget = NullScanout(), otherScanouts: [ScanoutTarget] = [],
                configure: (inout Configuration) -> Void = { _ in }) throws {
        var configuration = Configuration()
        configuration.width = width
        configuration.height = height
        configuration.refresh = .manual
        configuration.listen = socket != nil
        configuration.socket = socket
        configuration.statsInterval = 0
        configure(&configuration)
        var log = Logger(label: "seawall-test")
        log.logLevel = .warning
        server = try Server(configuration: configuration, scanout: scanout, otherScanouts: otherScanouts, logger: log)
    }

    /// Where the test executables find the project's binaries: next to the test bundle (.build/debug).
    public static var binaryDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return ".build/debug" }
        let path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var dir = path[..<(path.lastIndex(of: "/") ?? path.endIndex)]
        // The test runner may live inside an .xctest directory.
        if dir.hasSuffix(".xctest") { dir = dir[..<(dir.lastIndex(of: "/") ?? dir.endIndex)] }
        return String(dir)
    }

    /// Listens for clients on a new socket DIRECTORY/NAME (`socket`, `bind`, `listen`, then
    /// `wl_display_add_socket_fd`). Unlike `listenOn`, which names a socket in XDG_RUNTIME_DIR, this needs
    /// nothing in the test process's environment, which every test running beside it shares. Clients find it
    /// with XDG_RUNTIME_DIR=DIRECTORY and WAYLAND_DISPLAY=NAME in their own environment. The caller removes
    /// the socket file afterwards; the display closes the fd.
    public func listen(inDirectory directory: String, name: String) throws {
        let path = Array((directory + "/" + name).utf8)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw TestFiles.Failure(description: "socket path \(directory)/\(name) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: path) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFiles.Failure(description: "socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestFiles.Failure(description: "cannot listen on \(directory)/\(name): \(reason)")
        }
        guard wl_display_add_socket_fd(server.display.pointer, fd) == 0 else {
            close(fd)
            throw TestFiles.Failure(description: "wl_display_add_socket_fd failed for \(directory)/\(name)")
        }
    }

    /// Starts `seawall-demo ARGUMENTS` connected to this server through a socketpair.
    public func demo(_ arguments: [String]) throws -> ChildProcess {
        try spawn(Harness.binaryDirectory + "/seawall-demo", arguments)
    }

    /// Starts any client program connected through a socketpair (WAYLAND_SOCKET).
    public func spawn(_ executable: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> ChildProcess {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw ChildProcess.SpawnError(description: "socketpair: \(String(cString: strerror(errno)))")
        }
        guard server.addClient(fd: pair[0]) else {
            close(pair[1])
            throw ChildProcess.SpawnError(description: "wl_client_create failed")
        }
        defer { close(pair[1]) }
        let child = try ChildProcess(executable: executable, arguments: arguments, waylandSocket: pair[1],
                                     environment: environment)
        children.append(child)
        return child
    }

    /// Starts a client that connects by itself (through WAYLAND_DISPLAY and XDG_RUNTIME_DIR in `environment`).
    public func launch(_ executable: String, _ arguments: [String], environment: [String: String?]) throws -> ChildProcess {
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
        children.append(child)
        return child
    }

    public struct Timeout: Error, CustomStringConvertible { public let description: String }

    /// Serves clients and repaints until `done()` holds; fails after `seconds` with every child's output.
    public func run(seconds: Double = 30, until done: () -> Bool) throws {
        let deadline = monotonicSeconds() + seconds
        while true {
            for child in children { child.poll() }
            if done() { return }
            if monotonicSeconds() > deadline {
                throw Timeout(description: "timed out after \(seconds) s\n" + children.map(\.transcript).joined(separator: "\n"))
            }
            server.display.dispatch(timeoutMilliseconds: 5)
            // In .display mode the server paces itself by its scanout target; otherwise the harness steps.
            if server.configuration.refresh == .manual && server.needsRepaint
                && monotonicSeconds() - lastRepaint >= frameInterval {
                lastRepaint = monotonicSeconds()
                beforeRepaint?(self)
                server.repaint()
                afterRepaint?(self)
            }
        }
    }

    /// Repaints now (after placing windows, say) and dispatches what that sends.
    public func repaint() {
        server.repaint()
        server.display.dispatch(timeoutMilliseconds: 0)
    }

    public func window(appID: String) -> Server.Window? { server.windows.first { $0.appID == appID } }

    /// The (first) output as an RGB image, as the PPM scanout would write it.
    public func capture() -> RGBImage { RGBImage(server.renderer.image) }

    /// Output `index`'s last frame (`Server.heads`), as its PPM scanout would write it.
    public func capture(output index: Int) -> RGBImage { RGBImage(server.heads[index].renderer.image) }

    deinit {
        for child in children { child.terminate() }
    }
}
