// seawall run --screenshot: the output once COMMAND's windows have settled, or at the latest when COMMAND exits.
import Compositor
import Control
import Glibc
import Logging
import Render
import Scanout
import WaylandServer

/// Watches the output through `Server.willRepaint`: it has settled when, after COMMAND's first change to it,
/// with windows on it and no damage pending, no repaint changed it for `settleMilliseconds`. Then (once) the
/// output image is written. If COMMAND exits first, the last frame that showed windows is written: when its
/// windows vanish with it, the frame before they vanished.
///
/// With several outputs (`--output` repeated) the same holds for all of them together: the scene's damage is
/// the layout's, so the layout has settled when no output changed for `settleMilliseconds`, and what is
/// written is every output's last frame laid out as `seawall ctl screenshot` lays them out without
/// `--output` (`Screenshot.lastFrames`: the layout's bounding box at the largest scale, the background where
/// no output is). The frames are the last ones composed, not a fresh composition: that is what lets the
/// frame before COMMAND's windows vanished be kept.
final class ScreenshotWatcher {
    let path: String
    private unowned let server: Server
    private let settleMilliseconds: Int
    private let log: Logger
    private var timer: Display.Timer?
    private var started = false
    private var changedSinceStart = false
    private var lastChange = 0.0
    /// Whether the outputs' last composed frames show any window.
    private var imageShowsWindows = false
    /// The frame that showed windows just before they all went away (COMMAND's exit, usually).
    private var beforeWindowsVanished: RGBImage?
    private(set) var taken = false
    private var failure: ScanoutError?

    init(path: String, server: Server, settleMilliseconds: Int, log: Logger) {
        self.path = path
        self.server = server
        self.settleMilliseconds = settleMilliseconds
        self.log = log
        server.willRepaint = { [unowned self] damage in self.willRepaint(damage) }
    }

    /// COMMAND runs: changes from now on are its.
    func commandStarted() {
        started = true
        imageShowsWindows = !server.scene.mappedViews.isEmpty
        let timer = server.display.addTimer { [unowned self] in self.check() }
        timer.arm(milliseconds: 50)
        self.timer = timer
    }

    private func willRepaint(_ damage: Region) {
        guard started, !taken, !damage.isEmpty else { return }
        let showsWindows = !server.scene.mappedViews.isEmpty
        if imageShowsWindows && !showsWindows {
            do { beforeWindowsVanished = try shownImage() } catch { failure = error }
        }
        imageShowsWindows = showsWindows
        changedSinceStart = true
        lastChange = RunSession.now()
    }

    private func check() {
        guard !taken else { return }
        let quiet = (RunSession.now() - lastChange) * 1000 >= Double(settleMilliseconds)
        if changedSinceStart && imageShowsWindows && server.scene.damage.isEmpty && quiet {
            log.info("output settled: screenshot \(path)")
            take(shownImage)
            return
        }
        timer?.arm(milliseconds: 50)
    }

    /// COMMAND has exited: write the screenshot now if the output never settled.
    func commandExited() throws(ScanoutError) {
        if !taken {
            let image = !imageShowsWindows ? beforeWindowsVanished : nil
            log.info("\(image == nil ? "COMMAND exited" : "COMMAND's windows went away") before the output settled: screenshot \(path)")
            take { () throws(ScanoutError) -> RGBImage in
                if let image { return image }
                return try shownImage()
            }
        }
        if let failure { throw failure }
    }

    /// What the outputs show: the last composed frame, of every output laid out when there are several.
    private func shownImage() throws(ScanoutError) -> RGBImage {
        do throws(ControlError) {
            return try Screenshot.lastFrames(of: server)
        } catch {
            throw ScanoutError(error.description)
        }
    }

    private func take(_ image: () throws(ScanoutError) -> RGBImage) {
        taken = true
        guard failure == nil else { return }
        do {
            try image().write(to: path)
        } catch {
            failure = error
        }
    }
}
