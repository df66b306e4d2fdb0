import Compositor
import Glibc
import Render
@testable import Scanout
import SeawallTestSupport
import Testing

/// Frame files written by FileScanout's writer thread: each file holds its frame as it was when presented
/// (not as the output looked when the disk got to it), the queue is bounded and says so (`hasRoom`), nothing
/// handed over is lost, and a failure on the writer thread reaches the event loop.
@Suite struct FrameWriterTests {
    /// A pipe the writer thread reads one byte from before each frame: the test releases frames one by one.
    final class Gate: @unchecked Sendable {
        let read: Int32, write: Int32
        init() {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            (read, write) = (fds[0], fds[1])
        }
        func wait() { var byte: UInt8 = 0; _ = Glibc.read(read, &byte, 1) }
        func release(_ count: Int) { for _ in 0..<count { var byte: UInt8 = 1; _ = Glibc.write(write, &byte, 1) } }
        deinit { close(read); close(write) }
    }

    /// Waits (up to 10 s) for the scanout's completion descriptor to become readable.
    func waitForCompletion(_ scanout: FileScanout) -> Bool {
        var poller = pollfd(fd: scanout.completionFileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 10_000) == 1
    }

    @Test("each file holds its frame as presented; the queue fills, says so, and drains; nothing is lost")
    func framesAreSnapshotsAndTheQueueIsBounded() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let gate = Gate()
        let scanout = try FileScanout(outputDirectory: directory, dumpEvery: 1, recording: nil, beforeWrite: { _ in gate.wait() })
        let image = OutputImage(width: 7, height: 5)
        let color: (UInt64) -> UInt32 = { frame in 0x0010_2030 &+ UInt32(frame) &* 0x0001_0203 }

        // With the writer held, the queue takes FrameWriter.maxSlots small frames, then has no room.
        var frame: UInt64 = 0
        while scanout.hasRoom(forFrame: frame + 1) {
            frame += 1
            image.fill(color(frame))
            try scanout.present(image, damage: Region(), frame: frame)
            image.fill(0xFFFF_FFFF)   // changed at once after presenting: must not reach the file
            #expect(frame <= UInt64(FrameWriter.maxSlots))
            if frame > UInt64(FrameWriter.maxSlots) { break }
        }
        #expect(frame == UInt64(FrameWriter.maxSlots))
        #expect(scanout.framesInFlight == FrameWriter.maxSlots)

        // One frame written frees one slot, and the completion descriptor says so.
        gate.release(1)
        #expect(waitForCompletion(scanout))
        try scanout.collectCompleted()
        #expect(scanout.hasRoom(forFrame: frame + 1))
        #expect(scanout.framesInFlight == FrameWriter.maxSlots - 1)
        for _ in 0..<8 {   // the rest go through one by one
            frame += 1
            image.fill(color(frame))
            if !scanout.hasRoom(forFrame: frame) {
                gate.release(1)
                #expect(waitForCompletion(scanout))
                try scanout.collectCompleted()
            }
            try scanout.present(image, damage: Region(), frame: frame)
        }
        gate.release(64)
        _ = try scanout.finish(image)
        #expect(scanout.framesInFlight == 0)
        for written in UInt64(1)...frame {
            let file = try RGBImage(contentsOfPPM: scanout.path(forFrame: written))
            let c = color(written)
            #expect(file.width == 7 && file.height == 5)
            #expect(file.pixel(x: 6, y: 4) == (UInt8((c >> 16) & 0xFF), UInt8((c >> 8) & 0xFF), UInt8(c & 0xFF)),
                    "frame \(written) is not the image presented as frame \(written)")
        }
        for written in UInt64(1)...frame { unlink(scanout.path(forFrame: written)) }
        unlink(directory + "/last.ppm"); unlink(directory + "/last.png")
    }

    @Test("frames not dumped (--dump-every 3) take no slot: there is room for them whatever the queue holds")
    func framesNotDumpedAlwaysHaveRoom() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeDirectory(directory) }
        let gate = Gate()
        let scanout = try FileScanout(outputDirectory: directory, dumpEvery: 3, recording: nil, beforeWrite: { _ in gate.wait() })
        let image = OutputImage(width: 4, height: 4)
        for frame in UInt64(1)...(UInt64(FrameWriter.maxSlots) * 3) {
            #expect(scanout.hasRoom(forFrame: frame))
            try scanout.present(image, damage: Region(), frame: frame)
        }
        #expect(!scanout.hasRoom(forFrame: UInt64(FrameWriter.maxSlots) * 3 + 3))
        #expect(scanout.hasRoom(forFrame: UInt64(FrameWriter.maxSlots) * 3 + 1))
        gate.release(64)
        _ = try scanout.finish(image)
        #expect(scanout.framesWritten == FrameWriter.maxSlots)
        for k in 1...FrameWriter.maxSlots { unlink(scanout.path(forFrame: UInt64(k * 3))) }
        unlink(directory + "/last.ppm"); unlink(directory + "/last.png")
    }

    @Test("a write failing on the writer thread reaches the loop as a ScanoutError naming the file")
    func writerFailureReachesTheLoop() throws {
        let directory = try #require(makeTemporaryDirectory())
        let output = directory + "/frames"
        let scanout = try FileScanout(outputDirectory: output, dumpEvery: 1)
        #expect(rmdir(output) == 0)   // the directory goes away under the writer
        defer { removeDirectory(directory) }
        let image = OutputImage(width: 3, height: 3)
        try scanout.present(image, damage: Region(), frame: 1)
        #expect(waitForCompletion(scanout))
        do {
            try scanout.collectCompleted()
            Issue.record("the writer's failure was not reported")
        } catch {
            #expect(error.description.contains(output + "/.frame-000001.ppm"), "\(error)")
        }
        #expect(throws: ScanoutError.self) { try scanout.present(image, damage: Region(), frame: 2) }
        #expect(throws: ScanoutError.self) { _ = try scanout.finish(image) }
    }
}
