import Glibc
import Render
import SystemCalls

/// Frame files written on a thread of their own, so that the event loop (and with it every client) never
/// waits for the disk while there is room in the queue.
///
/// The loop hands over a frame by copying the output image into a free *slot* (one memcpy of the frame) and
/// queueing it; the writer thread converts the slot to RGB and writes the file (temporary + rename, as before)
/// and/or has the `VideoEncoder` convert it to I420 and send it to ffmpeg, then frees the slot and signals
/// `completion`, an eventfd the loop watches. The number of slots bounds the
/// memory used and the frames in flight. When every slot is taken the server does not compose the next frame
/// to be written (it asks `hasFreeSlot` first) until the writer frees one: frames arrive late, none is lost.
/// `submit` itself waits for a slot only when the server presents regardless (a frame stepped by hand, the
/// shutdown).
///
/// Threads share only the state behind `lock` (queue, free slots, counts, the first failure); a slot's pixels
/// belong to whichever side holds the slot, handed over under the lock.
final class FrameWriter: @unchecked Sendable {
    /// One frame on its way to disk: a snapshot of the output image's rows.
    private final class Slot {
        var pixels: UnsafeMutableRawPointer?
        var byteCount = 0
        var width = 0, height = 0, stride = 0
        var frame: UInt64 = 0
        /// The frame file to write, if any.
        var path: String?
        /// Whether the frame goes to the video.
        var video = false

        /// Memory for `bytes` bytes of rows, kept while the size stays.
        private func reserve(_ bytes: Int) -> UnsafeMutableRawPointer {
            if let pixels, byteCount == bytes { return pixels }
            pixels?.deallocate()
            let fresh = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: OutputImage.rowAlignment)
            (pixels, byteCount) = (fresh, bytes)
            return fresh
        }

        /// Copies `height` rows of `width` pixels, `sourceStride` bytes apart, in (re)allocating for their
        /// size; the slot's rows are 64-byte aligned (`OutputImage.rowAlignment`), one memcpy when the strides agree.
        func fill(rows source: UnsafeRawPointer, width: Int, height: Int, stride sourceStride: Int,
                  frame: UInt64, path: String?, video: Bool) {
            let align = OutputImage.rowAlignment
            let stride = (width * 4 + align - 1) / align * align
            let target = reserve(stride * height)
            if sourceStride == stride {
                target.copyMemory(from: source, byteCount: stride * (height - 1) + width * 4)
            } else {
                for y in 0..<height {
                    (target + y * stride).copyMemory(from: source + y * sourceStride, byteCount: width * 4)
                }
            }
            (self.width, self.height, self.stride) = (width, height, stride)
            self.frame = frame
            self.path = path
            self.video = video
        }

        deinit { pixels?.deallocate() }
    }

    /// The most slots, and the memory they may take together (each holds one XRGB frame): 4 at 1080p, 2 at 4K.
    static let maxSlots = 4
    static let slotBudgetBytes = 64 << 20

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when a job is queued or the writer must stop (the writer waits on it).
    private let jobQueued = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Signalled when a slot is freed (`submit` waits on it when the server presents regardless).
    private let slotFreed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    // Behind `lock`:
    private var slots: [Slot] = []
    private var freeSlots: [Slot] = []
    /// A frame to write, or the last video frame again (`count` times: refresh ticks that composed nothing).
    private enum Job {
        case frame(Slot)
        case repeatVideo(count: Int)
    }
    private var queue: [Job] = []
    private var slotLimit = FrameWriter.maxSlots
    private var stopping = false
    private var failure: ScanoutError?

    /// Readable after the writer finished a frame (or failed).
    let completion: EventCounter
    private var thread: pthread_t?

    /// Called on the writer thread before each frame is written (tests hold the writer back with it).
    private let beforeWrite: (@Sendable (UInt64) -> Void)?

    /// The video, if recording; made on the writer thread at the first frame (it needs the size).
    private let recording: VideoRecording?

    init(recording: VideoRecording? = nil, beforeWrite: (@Sendable (UInt64) -> Void)? = nil) throws(ScanoutError) {
        self.recording = recording
        self.beforeWrite = beforeWrite
        do { completion = try EventCounter() } catch { throw ScanoutError("cannot create the frame writer's eventfd: \(error)") }
        pthread_mutex_init(lock, nil)
        pthread_cond_init(jobQueued, nil)
        pthread_cond_init(slotFreed, nil)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            // Every signal stays with the event loop's thread: the main loop takes SIGINT, SIGTERM and SIGCHLD
            // through a signalfd, which sees only signals that no thread accepts. A thread that accepted
            // SIGCHLD would swallow it (`seawall run` would never see its command exit), and one that
            // accepted SIGINT would let it kill the process.
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)
            let writer = Unmanaged<FrameWriter>.fromOpaque(context!).takeRetainedValue()
            writer.writeUntilStopped()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<FrameWriter>.fromOpaque(context).release()
            throw ScanoutError("cannot start the frame writer thread: \(String(cString: strerror(status)))")
        }
        self.thread = thread
    }

    deinit {
        // `stop()` ran (the thread holds a reference until it returns, so deinit cannot run before).
        pthread_cond_destroy(slotFreed); slotFreed.deallocate()
        pthread_cond_destroy(jobQueued); jobQueued.deallocate()
        pthread_mutex_destroy(lock); lock.deallocate()
    }

    private func locked<R>(_ body: () throws(ScanoutError) -> R) throws(ScanoutError) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body()
    }

    /// Whether a frame can be submitted now without waiting for the writer.
    var hasFreeSlot: Bool {
        (try? locked { !freeSlots.isEmpty || slots.count < slotLimit }) ?? true
    }

    /// Frames queued or being written.
    var framesInFlight: Int { (try? locked { slots.count - freeSlots.count }) ?? 0 }

    /// Queues `image` as frame `frame`, to be written to `path` (if any) and to the video (if `video`). Waits
    /// for a free slot only if there is none (the caller did not ask `hasFreeSlot`). Throws the writer's
    /// first failure, if any.
    func submit(_ image: OutputImage, frame: UInt64, path: String?, video: Bool) throws(ScanoutError) {
        var failure: ScanoutError?
        image.withPixels { pixels in
            do throws(ScanoutError) {
                try submit(rows: pixels, width: image.width, height: image.height, stride: image.stride,
                           frame: frame, path: path, video: video)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Queues a copy of `height` rows of `width` XRGB pixels, `stride` bytes apart (the output image, or a
    /// direct frame's client buffer), as `submit(_:frame:path:video:)` does an image. The rows are copied
    /// before this returns.
    func submit(rows: UnsafeRawPointer, width: Int, height: Int, stride: Int, frame: UInt64, path: String?,
                video: Bool) throws(ScanoutError) {
        let frameBytes = (width * 4 + OutputImage.rowAlignment - 1) / OutputImage.rowAlignment * OutputImage.rowAlignment * height
        let slot: Slot = try locked { () throws(ScanoutError) -> Slot in
            if let failure { throw failure }
            if slots.isEmpty { slotLimit = max(2, min(FrameWriter.maxSlots, FrameWriter.slotBudgetBytes / max(1, frameBytes))) }
            if freeSlots.isEmpty && slots.count < slotLimit {
                let slot = Slot()
                slots.append(slot)
                return slot
            }
            while freeSlots.isEmpty && failure == nil { pthread_cond_wait(slotFreed, lock) }
            if let failure { throw failure }
            return freeSlots.removeLast()
        }
        slot.fill(rows: rows, width: width, height: height, stride: stride, frame: frame, path: path, video: video)   // the slot is the loop's until queued
        try locked {
            queue.append(.frame(slot))
            pthread_cond_signal(jobQueued)
        }
    }

    /// The video shows its last frame once more (a refresh tick that composed nothing). Takes no slot.
    func repeatVideoFrame() throws(ScanoutError) {
        try locked { () throws(ScanoutError) in
            if let failure { throw failure }
            if case .repeatVideo(let count) = queue.last {
                queue[queue.count - 1] = .repeatVideo(count: count + 1)
            } else {
                queue.append(.repeatVideo(count: 1))
            }
            pthread_cond_signal(jobQueued)
        }
    }

    /// Resets the eventfd after the writer finished frames; throws the writer's first failure.
    func collect() throws(ScanoutError) {
        _ = completion.drain()
        try locked { () throws(ScanoutError) in if let failure { throw failure } }
    }

    /// Writes what is queued, stops the thread and waits for it; throws the writer's first failure. Safe to
    /// call more than once.
    func stop() throws(ScanoutError) {
        try locked {
            stopping = true
            pthread_cond_signal(jobQueued)
        }
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        try locked { () throws(ScanoutError) in if let failure { throw failure } }
    }

    // MARK: The writer thread

    private func writeUntilStopped() {
        var file: UnsafeMutableRawBufferPointer?   // PPM header + RGB, reused while the size stays
        var header = 0
        var fileSize = (width: 0, height: 0)
        var encoder: VideoEncoder?
        defer { file?.deallocate() }
        while true {
            pthread_mutex_lock(lock)
            while queue.isEmpty && !stopping { pthread_cond_wait(jobQueued, lock) }
            if queue.isEmpty {   // stopping, and everything queued is written
                let failed = failure != nil
                pthread_mutex_unlock(lock)
                var error: ScanoutError?
                if let encoder {
                    do { try encoder.finish() } catch let e { error = e }
                } else if let recording, !failed {
                    error = ScanoutError("--record \(recording.path): no frame was composed, so no video was written")
                }
                pthread_mutex_lock(lock)
                if let error, failure == nil { failure = error }
                pthread_mutex_unlock(lock)
                return
            }
            let job = queue.removeFirst()
            let failed = failure != nil
            pthread_mutex_unlock(lock)

            var error: ScanoutError?
            var freed: Slot?
            switch job {
            case .repeatVideo(let count):
                if !failed, let encoder {   // the encoder keeps the last frame, converted
                    do { for _ in 0..<count { try encoder.repeatLastFrame() } } catch let e { error = e }
                }
            case .frame(let slot):
                freed = slot
                beforeWrite?(slot.frame)
                guard !failed, let pixels = slot.pixels else { break }
                if let path = slot.path {
                    if file == nil || fileSize != (slot.width, slot.height) {
                        file?.deallocate()
                        let ppmHeader = RGBImage.ppmHeader(width: slot.width, height: slot.height)
                        let fresh = UnsafeMutableRawBufferPointer.allocate(byteCount: ppmHeader.count + slot.width * slot.height * 3,
                                                                           alignment: 64)
                        fresh.copyBytes(from: ppmHeader)
                        (file, header, fileSize) = (fresh, ppmHeader.count, (slot.width, slot.height))
                    }
                    let buffer = file!
                    convertXRGBToRGB(pixels, width: slot.width, height: slot.height, stride: slot.stride,
                                     into: UnsafeMutableRawBufferPointer(rebasing: buffer[header...]))
                    do { try FileIO.writeAtomically(path, [UnsafeRawBufferPointer(buffer)]) } catch let e { error = e }
                }
                if error == nil, slot.video, let recording {
                    do {
                        if encoder == nil { encoder = try VideoEncoder(recording, width: slot.width, height: slot.height) }
                        try encoder!.send(pixels, stride: slot.stride)
                    } catch let e { error = e }
                }
            }

            pthread_mutex_lock(lock)
            if let error, failure == nil { failure = error }
            if let freed {
                freeSlots.append(freed)
                pthread_cond_signal(slotFreed)
            }
            pthread_mutex_unlock(lock)
            completion.signal()
        }
    }
}
