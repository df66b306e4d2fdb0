import Glibc
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// Direct frames against goldens: a real full-screen client (seawall-demo, XRGB, 640x480 on a 640x480
/// output) gives the same output image and the same frame files whether its frames are shown directly (its
/// buffer read in place) or composed, and both match the golden.
@Suite(.serialized)
struct DirectFrameGoldenTests {
    /// The run's last image and its frame files, in order; and how many frames were direct.
    func run(direct: Bool) throws -> (image: RGBImage, files: [RGBImage], directFrames: UInt64) {
        var template = Array("/tmp/seawall-direct-golden-XXXXXX".utf8CString)
        let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        let scanout = try FileScanout(outputDirectory: directory, dumpEvery: 1)
        let harness = try Harness(width: 640, height: 480, scanout: scanout) { $0.directFrames = direct }
        let client = try harness.demo(["gradient", "--size", "640x480", "--fullscreen", "--frames", "3", "--hold"])
        try harness.run { client.stdout.contains("seawall-demo: 3 frames shown") }
        let image = harness.capture()
        let paths = try harness.server.finish()
        var files: [RGBImage] = []
        for frame in 1...harness.server.frameCount {
            let path = scanout.path(forFrame: frame)
            files.append(try RGBImage(contentsOfPPM: path))
            unlink(path)
        }
        for path in paths { unlink(path) }
        rmdir(directory)
        return (image, files, harness.server.directFrameCount)
    }

    @Test("a full-screen opaque client: the same pixels and frame files directly and composed, and the golden")
    func sameBothWays() throws {
        let composed = try run(direct: false)
        let direct = try run(direct: true)
        #expect(composed.directFrames == 0)
        #expect(direct.directFrames > 0, "no frame was direct")
        #expect(direct.image == composed.image)
        // The frames the client's three commits made (how commits fall into frames is up to the scheduler):
        // every frame file of one way is one of the other's, and the last ones are the same.
        #expect(!direct.files.isEmpty && !composed.files.isEmpty)
        #expect(direct.files.last == composed.files.last)
        for (index, file) in direct.files.enumerated() {
            #expect(composed.files.contains(file), "direct frame file \(index + 1) is none of the composed ones")
        }
        for (index, file) in composed.files.enumerated() {
            #expect(direct.files.contains(file), "composed frame file \(index + 1) is none of the direct ones")
        }
        #expect(direct.files.last == direct.image)
        expectGolden(direct.image, "direct-fullscreen-gradient")
        expectGolden(composed.image, "direct-fullscreen-gradient")
    }
}
