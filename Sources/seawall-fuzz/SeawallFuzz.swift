// seawall-fuzz: a protocol fuzzer for Seawall (or any Wayland compositor).
//
// It frames the wire protocol itself over a raw AF_UNIX socket, so it controls object ids, sizes and fds:
// it binds every global it knows from wl_registry, then sends random but well-framed requests on live objects
// of every interface (from libwayland's interface tables), with random fds (sealed and unsealed memfds, pipes,
// sockets, /dev/null, eventfds, directories…), sizes and ids, and now and then a malformed frame. The server
// usually answers with a protocol error and closes the connection; the fuzzer reconnects and goes on.
// Exit status 0: the server answered throughout; 1: it stopped answering (crash or hang) — the report names
// the seed and the request number, and lists the last requests.
import ArgumentParser
import Glibc

@main
struct SeawallFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seawall-fuzz",
        abstract: "Send random, mostly well-framed Wayland requests to a compositor; fail if it stops answering.",
        discussion: """
            Connects to $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY (or --socket). The same --seed sends the same requests \
            to a freshly started server. Without --seconds or --iterations it runs for 60 s. \
            With SEAWALL_FUZZ_DEBUG=1 every event received is printed too.
            """)

    @Option(name: .long, help: ArgumentHelp("Random seed (default: from the clock); printed at start.", valueName: "N"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds.", valueName: "S"))
    var seconds: Double?

    @Option(name: .long, help: ArgumentHelp("Stop after this many requests.", valueName: "N"))
    var iterations: Int?

    @Option(name: .long, help: ArgumentHelp("Socket name in $XDG_RUNTIME_DIR, or an absolute path (default: $WAYLAND_DISPLAY).", valueName: "NAME"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Connections open at once.", valueName: "N"))
    var clients: Int = 3

    @Option(name: .long, help: ArgumentHelp("Seconds an answer may take before the server counts as hung.", valueName: "S"))
    var timeout: Double = 5

    @Flag(name: .long, help: "Print every request as it is sent, and every protocol error.")
    var trace = false

    func validate() throws {
        if let seconds, seconds < 0 { throw ValidationError("--seconds must be 0 or more") }
        if let iterations, iterations < 0 { throw ValidationError("--iterations must be 0 or more") }
        guard clients >= 1 else { throw ValidationError("--clients must be at least 1") }
        guard timeout > 0 && timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 s") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)   // MSG_NOSIGNAL covers sendmsg; this covers everything else
        let name = socket ?? getenv("WAYLAND_DISPLAY").map { String(cString: $0) } ?? "wayland-0"
        let path: String
        if name.hasPrefix("/") {
            path = name
        } else {
            guard let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !runtime.isEmpty else {
                throw ValidationError("XDG_RUNTIME_DIR is not set (the socket \(name) lives there); or pass --socket /absolute/path")
            }
            path = runtime + "/" + name
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let seed = self.seed ?? (UInt64(now.tv_sec) &* 1_000_003 &+ UInt64(now.tv_nsec)) % 1_000_000_000
        print("seawall-fuzz: seed \(seed)")
        fflush(nil)

        let options = Fuzzer.Options(socketPath: path, seed: seed,
                                     seconds: seconds ?? (iterations == nil ? 60 : nil), iterations: iterations,
                                     clients: clients, timeout: timeout, trace: trace)
        let fuzzer = Fuzzer(options: options)
        let interfaces = fuzzer.table.interfaces.keys.sorted().joined(separator: " ")
        print("seawall-fuzz: interfaces known: \(interfaces)")
        do {
            try fuzzer.run()
        } catch {
            print(error.description)
            print(summary(fuzzer, seed: seed))
            fflush(nil)
            throw ExitCode(1)
        }
        for (kind, count) in fuzzer.errorSummary(limit: 12) { print("seawall-fuzz:   \(count) × \(kind)") }
        print(summary(fuzzer, seed: seed))
    }

    func summary(_ fuzzer: Fuzzer, seed: UInt64) -> String {
        let rate = fuzzer.elapsed > 0 ? Int(Double(fuzzer.sent) / fuzzer.elapsed) : 0
        return "seawall-fuzz: \(String(format1: fuzzer.elapsed)) s, \(rate) requests/s; \(fuzzer.requests) planned, of which \(fuzzer.requests - fuzzer.sent) were dropped because the server had already closed that connection\n"
            + "seawall-fuzz: \(fuzzer.sent) requests on \(fuzzer.connections) connections, \(fuzzer.protocolErrors) protocol errors, seed \(seed)"
    }
}

extension String {
    /// One decimal place, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
