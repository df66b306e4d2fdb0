import Glibc
import SeawallTestSupport
import Testing

/// tools/bench's client against the real seawall binary: it draws, gets frame callbacks and presentation
/// feedback, and prints one result line the driver can read. No time is asserted (the benchmark is not a test).
@Suite(.serialized)
struct BenchClientTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    static let client = Harness.binaryDirectory + "/seawall-benchclient"

    /// The key=value pairs of the client's result line, or nil when it printed none.
    static func result(_ stdout: String) -> [String: String]? {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("benchclient: result ") }) else { return nil }
        var pairs: [String: String] = [:]
        for item in line.split(separator: " ") where item.contains("=") {
            let parts = item.split(separator: "=", maxSplits: 1)
            pairs[String(parts[0])] = String(parts[1])
        }
        return pairs
    }

    @Test("the benchmark client prints a sane result line", arguments: [
        ["--size", "64x48", "--format", "xrgb", "--damage", "full"],
        ["--size", "64x48", "--format", "argb", "--damage", "box", "--windows", "3"],
        ["--size", "640x480", "--format", "xrgb", "--damage", "box", "--fullscreen"],
    ])
    func resultLine(flags: [String]) throws {
        let runtime = try TestFiles.makeRuntimeDirectory(prefix: "seawall-bench-test")
        let server = try ChildProcess(executable: Self.seawall,
                                      arguments: ["--socket", "b", "--backend", "null", "--refresh", "60", "--size", "640x480"],
                                      environment: ["XDG_RUNTIME_DIR": runtime])
        defer { server.terminate() }
        #expect(server.wait(seconds: 20) { $0.stdout.contains("listening on b ") }, Comment(rawValue: server.transcript))
        let client = try ChildProcess(executable: Self.client,
                                      arguments: ["--socket", "b", "--warmup", "0.2", "--seconds", "0.5"] + flags,
                                      environment: ["XDG_RUNTIME_DIR": runtime])
        #expect(client.wait(seconds: 60), Comment(rawValue: client.transcript))
        #expect(client.exitStatus == 0, Comment(rawValue: client.transcript))
        #expect(client.stdout.contains("benchclient: measuring"), Comment(rawValue: client.transcript))
        let values = try #require(Self.result(client.stdout), Comment(rawValue: client.transcript))
        let windows = flags.contains("--windows") ? 3 : 1
        #expect(values["windows"] == String(windows))
        #expect((Int(values["frames"] ?? "") ?? 0) > 0, Comment(rawValue: client.transcript))
        #expect((Int(values["presented"] ?? "") ?? 0) > 0, Comment(rawValue: client.transcript))
        #expect((Double(values["fps"] ?? "") ?? 0) > 0)
        let p50 = try #require(Double(values["c2p_p50_ms"] ?? ""))
        let p99 = try #require(Double(values["c2p_p99_ms"] ?? ""))
        #expect(p50 > 0 && p99 >= p50, Comment(rawValue: client.transcript))
        #expect(values["clock"] == String(CLOCK_MONOTONIC))
        let damaged = try #require(Int(values["damaged_bytes"] ?? ""))
        let (width, height) = flags.contains("640x480") ? (640, 480) : (64, 48)
        let full = width * height * 4 * windows
        if flags.contains("box") {
            #expect(damaged > 0 && damaged < full / 4, "a moving 10 % box damages about a tenth: \(damaged) of \(full)")
        } else {
            #expect(damaged == full)
        }
    }

    @Test("the memcpy reference prints warm and cold times")
    func memcpyLine() throws {
        let child = try ChildProcess(executable: Self.client, arguments: ["memcpy", "65536"], environment: [:])
        #expect(child.wait(seconds: 60))
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        #expect(child.stdout.contains("memcpy: bytes=65536 warm_ms="), Comment(rawValue: child.transcript))
        #expect(child.stdout.contains(" cold_ms="), Comment(rawValue: child.transcript))
    }
}
