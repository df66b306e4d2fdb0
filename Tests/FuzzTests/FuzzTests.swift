import Glibc
import SeawallTestSupport
import Testing

/// The real `seawall` process under the protocol fuzzer (`seawall-fuzz`) for a bounded time: it must keep
/// answering, still serve a well-behaved client afterwards, give back every fd and memfd mapping once the
/// clients are gone, and exit 0 on SIGTERM.
///
/// SEAWALL_FUZZ_SECONDS (default 45) and SEAWALL_FUZZ_SEED (default: from the clock) choose the run; the seed
/// is printed, and `tools/fuzz --seed N` repeats it for longer.
@Suite(.serialized)
struct FuzzTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    static let fuzzer = Harness.binaryDirectory + "/seawall-fuzz"
    static let demo = Harness.binaryDirectory + "/seawall-demo"

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A fresh private runtime directory (mode 0700, like /run/user/UID).
    static func runtimeDirectory() throws -> String { try TestFiles.makeRuntimeDirectory(prefix: "seawall-fuzz") }

    /// The end of a long transcript (the fuzzer's report is at its end; sanitizer reports at the server's).
    static func tail(_ text: String, _ count: Int = 6000) -> String {
        text.count <= count ? text : "…" + String(text.suffix(count))
    }

    @Test("seawall survives the protocol fuzzer, then serves a client and gives back every fd and memfd mapping")
    func fuzzSeawall() throws {
        let seconds = Self.environment("SEAWALL_FUZZ_SECONDS").flatMap(Double.init) ?? 45
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let seed = Self.environment("SEAWALL_FUZZ_SEED").flatMap(UInt64.init) ?? UInt64(now.tv_sec) % 1_000_000_000
        print("FuzzTests: seed \(seed), \(seconds) s (repeat with SEAWALL_FUZZ_SEED=\(seed), or tools/fuzz --seed \(seed))")

        let runtime = try Self.runtimeDirectory()
        let environment: [String: String?] = ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "fuzz"]
        let server = try ChildProcess(executable: Self.seawall,
                                      // Two outputs, so that requests naming a wl_output can name either.
                                      arguments: ["--socket", "fuzz", "--backend", "null", "--refresh", "0",
                                                  "--output", "1280x720", "--output", "640x480@2",
                                                  "--log-level", "warning", "--allow-virtual-input"],
                                      environment: environment)
        defer { server.terminate() }
        guard server.wait(seconds: 30, until: { $0.stdout.contains("seawall: listening on fuzz ") }) else {
            Issue.record("seawall did not start\n\(server.transcript)")
            return
        }
        // seawall prints its listening line before it adds its SIGINT and SIGTERM signalfds and enters its
        // event loop; nothing announces those, so the baseline waits for them by polling /proc (a count taken
        // at once would miss both fds).
        let setUp = monotonicSeconds() + 10
        while ProcessResources.count(pid: server.pid, marker: "[signalfd]").markedFDs < 2 && monotonicSeconds() < setUp {
            usleep(5_000)
        }
        // Every client pool is a memfd: its fds and mappings name "memfd:".
        let baseline = ProcessResources.count(pid: server.pid, marker: "memfd:")

        let fuzz = try ChildProcess(executable: Self.fuzzer,
                                    arguments: ["--seconds", String(seconds), "--seed", String(seed)],
                                    environment: environment)
        // Both pipes are drained while the fuzzer runs, or a chatty server would block on stderr and look hung.
        let deadline = monotonicSeconds() + seconds + 60
        while fuzz.poll() && monotonicSeconds() < deadline {
            server.poll()
            ChildProcess.awaitOutput(from: [fuzz, server], seconds: deadline - monotonicSeconds())
        }
        if fuzz.poll() { fuzz.terminate() }
        print(fuzz.stdout.split(separator: "\n").filter { $0.contains("requests") }.joined(separator: "\n"))
        #expect(fuzz.exitStatus == 0, Comment(rawValue: "seed \(seed)\n" + Self.tail(fuzz.transcript)))
        #expect(fuzz.stdout.contains("seawall-fuzz: seed \(seed)"), Comment(rawValue: fuzz.transcript))
        try #require(server.isRunning, Comment(rawValue: "seawall died under the fuzzer, seed \(seed)\n" + Self.tail(server.transcript)))

        // A well-behaved client still gets its frames.
        let client = try ChildProcess(executable: Self.demo, arguments: ["solid", "--frames", "3"], environment: environment)
        let clientDone = client.wait(seconds: 30)
        #expect(clientDone && client.exitStatus == 0, Comment(rawValue: client.transcript))

        // With every client gone, Seawall is back to the fds and mappings it started with.
        var after = ProcessResources.count(pid: server.pid, marker: "memfd:")
        let settle = monotonicSeconds() + 5
        while (after.fds, after.markedMappings) != (baseline.fds, baseline.markedMappings) && monotonicSeconds() < settle {
            server.poll()
            usleep(50_000)
            after = ProcessResources.count(pid: server.pid, marker: "memfd:")
        }
        #expect(after.fds == baseline.fds, "seawall has \(after.fds) fds open after the fuzzer, \(baseline.fds) at start (seed \(seed))")
        #expect(after.markedMappings == baseline.markedMappings,
                "seawall maps \(after.markedMappings) memfd regions after the fuzzer, \(baseline.markedMappings) at start (seed \(seed))")

        kill(server.pid, SIGTERM)
        #expect(server.wait(seconds: 20), "seawall did not exit after SIGTERM")
        #expect(server.exitStatus == 0, Comment(rawValue: Self.tail(server.transcript)))
        #expect(!server.stderr.contains("Sanitizer"), Comment(rawValue: Self.tail(server.stderr)))
    }
}
