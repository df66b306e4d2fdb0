// seawall run --xwayland: a rootful Xwayland on the private Seawall, so that X11 programs run too.
//
// `Xwayland -shm` (wl_shm buffers, no GPU) without -rootless is one Wayland window the size of the output: the
// X root window. It picks a free display number itself (the /tmp/.X{n}-lock convention) and writes it to
// -displayfd once it accepts X clients. Its memfds are sealed with F_SEAL_SHRINK (Xwayland's
// os_create_anonymous_file), so the default --shm-policy require serves it. Access needs the cookie in a
// private authority file (XAUTHORITY), so other users' programs cannot connect to the display.
import CShims
import Glibc
import WaylandServer

final class XwaylandServer {
    let pid: pid_t
    let displayNumber: Int
    /// What COMMAND needs: DISPLAY and XAUTHORITY.
    let environment: [String]

    private init(pid: pid_t, displayNumber: Int, environment: [String]) {
        self.pid = pid
        self.displayNumber = displayNumber
        self.environment = environment
    }

    /// Starts Xwayland and serves Seawall's event loop until Xwayland accepts X clients and its root window
    /// is on the output.
    static func start(session: RunSession, server: Server, environment: [String]) throws(StartupError) -> XwaylandServer {
        let directory = session.runtimeDirectory ?? "/tmp"
        let authority = directory + "/xauthority"
        try writeAuthority(authority)

        // Its stderr goes to a file in the private directory (it is chatty), shown if it fails to start.
        let logPath = directory + "/xwayland.log"
        let logFD = session.options.verbose ? -1 : open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { if logFD >= 0 { close(logFD) } }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw StartupError(description: "cannot start Xwayland: pipe: \(String(cString: strerror(errno)))")
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }   // only Xwayland gets the write end (sw_spawn keeps it)
        defer { close(readEnd) }
        let pid: pid_t
        do {
            pid = try session.spawn(["Xwayland", "-displayfd", "\(writeEnd)", "-shm", "-auth", authority,
                                     "-nolisten", "tcp", "-noreset"],
                                    environment: environment, keep: writeEnd, stderr: logFD)
        } catch {
            close(writeEnd)
            if error.errno == ENOENT {
                throw StartupError(description: "--xwayland: Xwayland not found in PATH (Debian: apt-get install xwayland)")
            }
            throw StartupError(description: "--xwayland: cannot execute Xwayland: \(error.reason)")
        }
        close(writeEnd)
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)

        // Serve Xwayland (it is a Wayland client of this loop) while polling the pipe from a timer.
        var text = "", closed = false
        let deadline = RunSession.now() + 30
        var rearm: (() -> Void)?
        let timer = server.display.addTimer {
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = read(readEnd, &buffer, buffer.count)
            if n > 0 { text += String(decoding: buffer[0..<n], as: UTF8.self) } else if n == 0 { closed = true }
            rearm?()
        }
        rearm = { timer.arm(milliseconds: 20) }
        timer.arm(milliseconds: 20)
        server.run {
            text.contains("\n") || closed || session.status(of: pid) != nil || RunSession.now() > deadline
        }
        let number = text.split(separator: "\n").first.flatMap { Int($0) }
        guard let number, session.status(of: pid) == nil else {
            rearm = nil
            timer.arm(milliseconds: 0)
            let log = tail(of: logPath)
            if session.status(of: pid) == nil { session.killGroup(pid) }
            let why = session.status(of: pid).map { "exited with status \($0)" } ?? "was not ready within 30 s"
            throw StartupError(description: "--xwayland: Xwayland \(why)\(log.isEmpty ? "" : ": \(log)")")
        }

        // The root window: wait (up to 10 s) until it is on the output, so that COMMAND's drawing is the first
        // change after COMMAND starts (--screenshot waits for that).
        let shownBy = RunSession.now() + 10
        rearm = { timer.arm(milliseconds: 20) }
        server.run {
            (!server.scene.mappedViews.isEmpty && server.scene.damage.isEmpty) || session.status(of: pid) != nil
                || RunSession.now() > shownBy
        }
        rearm = nil
        timer.arm(milliseconds: 0)
        if let status = session.status(of: pid) {
            throw StartupError(description: "--xwayland: Xwayland exited with status \(status)\(tail(of: logPath).isEmpty ? "" : ": " + tail(of: logPath))")
        }
        if server.scene.mappedViews.isEmpty {
            session.log.warning("Xwayland's root window was not shown within 10 s; starting the command anyway")
        }
        session.log.info("Xwayland ready on :\(number)")
        return XwaylandServer(pid: pid, displayNumber: number, environment: ["DISPLAY=:\(number)", "XAUTHORITY=\(authority)"])
    }

    /// SIGTERM, SIGKILL after 3 s.
    func stop(session: RunSession) {
        guard session.status(of: pid) == nil else { return }
        kill(pid, SIGTERM)
        if !session.waitFor(pid, seconds: 3) {
            kill(pid, SIGKILL)
            session.waitFor(pid, seconds: 2)
        }
    }

    /// An X authority file (the libXau format) with one MIT-MAGIC-COOKIE-1 entry of 16 random bytes for any
    /// address and display (FamilyWild, empty address and number), mode 0600.
    static func writeAuthority(_ path: String) throws(StartupError) {
        var cookie = [UInt8](repeating: 0, count: 16)
        let random = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        let got = random >= 0 ? read(random, &cookie, cookie.count) : -1
        if random >= 0 { close(random) }
        guard got == cookie.count else {
            throw StartupError(description: "--xwayland: cannot read /dev/urandom for the X cookie")
        }
        func field(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes }
        let entry: [UInt8] = [0xff, 0xff] + field([]) + field([]) + field(Array("MIT-MAGIC-COOKIE-1".utf8)) + field(cookie)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0, write(fd, entry, entry.count) == entry.count else {
            if fd >= 0 { close(fd) }
            throw StartupError(description: "--xwayland: cannot write \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    /// The last lines of Xwayland's log (at most ~300 bytes), on one line.
    static func tail(of path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        let text = String(decoding: bytes.suffix(300), as: UTF8.self)
        return text.split(separator: "\n").joined(separator: " | ")
    }
}
