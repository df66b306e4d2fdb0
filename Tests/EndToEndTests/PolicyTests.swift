import Compositor
import Scanout
import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// The opt-in shm policies for clients that cannot seal, and the per-client limits — each against real
/// seawall-demo processes, with the same golden as the sealed client where the client is accepted.
@Suite(.serialized)
struct PolicyTests {
    static func shown(_ child: ChildProcess, _ frames: Int) -> Bool {
        child.stdout.contains("seawall-demo: \(frames) frames shown")
    }

    static let gradient = ["gradient", "--size", "320x240", "--frames", "3", "--hold"]

    @Test("require (the default) refuses a sealable but unsealed memfd, naming the missing seal")
    func requireRefusesSealable() throws {
        let harness = try Harness()
        let client = try harness.demo(Self.gradient + ["--memfd", "sealable"])
        try harness.run { !client.isRunning }
        #expect(client.exitStatus == 3, Comment(rawValue: client.transcript))
        #expect(client.stderr.contains("pool fd is not sealed with F_SEAL_SHRINK (it has no seals)"), Comment(rawValue: client.transcript))
    }

    @Test("autoseal seals a Mesa-style memfd for the client, which is then shown as usual")
    func autosealAcceptsSealable() throws {
        let harness = try Harness { $0.shmPolicy = .autoseal }
        let client = try harness.demo(Self.gradient + ["--memfd", "sealable"])
        try harness.run { Self.shown(client, 3) }
        expectGolden(harness.capture(), "opaque-gradient")
        #expect(Self.mapsContain("seawall-demo-sealable"), "a sealed pool is mapped (the check below can see one)")
    }

    @Test("autoseal cannot help a memfd made without MFD_ALLOW_SEALING: refused")
    func autosealRefusesUnsealable() throws {
        let harness = try Harness { $0.shmPolicy = .autoseal }
        let client = try harness.demo(Self.gradient + ["--memfd", "unsealable"])
        try harness.run { !client.isRunning }
        #expect(client.exitStatus == 3, Comment(rawValue: client.transcript))
        #expect(client.stderr.contains("it has F_SEAL_SEAL"), Comment(rawValue: client.transcript))
    }

    @Test("copy shows an unsealable client's frames without ever mapping its pool", arguments: ["unsealable", "sealable"])
    func copyShowsUnsealable(kind: String) throws {
        let harness = try Harness { $0.shmPolicy = .copy }
        let client = try harness.demo(Self.gradient + ["--memfd", kind])
        try harness.run { Self.shown(client, 3) }
        expectGolden(harness.capture(), "opaque-gradient")
        // The client's memfd is not mapped into this (the server's) process.
        #expect(!Self.mapsContain("seawall-demo-\(kind)"), "the copy policy never maps the pool")
    }

    @Test("copy follows a growing, unsealed pool frame by frame")
    func copyFollowsGrowth() throws {
        let harness = try Harness { $0.shmPolicy = .copy }
        var before: RGBImage?
        harness.afterRepaint = { h in
            if let w = h.window(appID: "seawall-demo.gradient"), w.mapped, w.surface.width == 200 { before = h.capture() }
        }
        let client = try harness.demo(["gradient", "--size", "200x150", "--grow-to", "360x270", "--grow-after", "2",
                                       "--frames", "4", "--hold", "--memfd", "unsealable"])
        try harness.run { Self.shown(client, 4) }
        expectGolden(try #require(before, "no frame at the original size"), "grow-before")
        expectGolden(harness.capture(), "grow-after")
    }

    @Test("a client over the surface limit gets an implementation error naming the limit")
    func surfaceLimit() throws {
        let harness = try Harness { $0.limits.maxSurfacesPerClient = 0 }
        let client = try harness.demo(["solid", "--frames", "1"])
        try harness.run { !client.isRunning }
        #expect(client.exitStatus == 1, Comment(rawValue: client.transcript))
        #expect(client.stderr.contains("too many surfaces") && client.stderr.contains("--max-surfaces"),
                Comment(rawValue: client.transcript))
    }

    @Test("a client over the pool-bytes limit is refused; another client is unaffected")
    func poolBytesLimit() throws {
        let harness = try Harness { $0.limits.maxPoolBytesPerClient = 320 * 240 * 4 * 2 }
        let big = try harness.demo(["solid", "--size", "400x300", "--frames", "1"])
        let fits = try harness.demo(Self.gradient)
        try harness.run { !big.isRunning && Self.shown(fits, 3) }
        #expect(big.exitStatus == 1, Comment(rawValue: big.transcript))
        #expect(big.stderr.contains("--max-pool-mib"), Comment(rawValue: big.transcript))
        expectGolden(harness.capture(), "opaque-gradient")
    }

    static func mapsContain(_ text: String) -> Bool {
        guard let file = fopen("/proc/self/maps", "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, 4096, file) != nil {
            if String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).contains(text) { return true }
        }
        return false
    }
}
