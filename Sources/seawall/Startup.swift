// Starting a compositor: what `seawall serve` and `seawall run` both do before clients may connect.
// Serve.swift narrates these steps in order; this file holds them so that the two subcommands cannot drift.
import Compositor
import CShims
import DRMScanout
import Glibc
import Logging
import Scanout
import WaylandServer

/// A compositor that listens: the server, and the display it drives when the backend is DRM.
struct StartedCompositor {
    let server: Server
    /// The DRM target (nil for files and null): restored at the end, described at start.
    let display: DRMScanout?
    /// The output's size: --size, or the DRM mode's.
    let outputSize: PixelSize
}

/// Why a compositor could not start; `description` is the one line printed.
struct StartupError: Error, CustomStringConvertible {
    let description: String
}

enum Startup {
    /// Step 0 of the narrated main: SIGBUS, SIGINT and SIGTERM back to their default actions (no SIGBUS handler
    /// anywhere: sealed pools cannot shrink under a mapping; ignored SIGINT/SIGTERM would never reach the
    /// signalfd), and the soft RLIMIT_NOFILE raised to the hard limit (every pool keeps one fd open).
    static func prepareProcess() {
        for signal in [SIGBUS, SIGINT, SIGTERM] { _ = sw_signal_set_default(signal) }
        var files = rlimit()
        if getrlimit(RLIMIT_NOFILE_VALUE, &files) == 0 && files.rlim_cur < files.rlim_max {
            files.rlim_cur = files.rlim_max
            _ = setrlimit(RLIMIT_NOFILE_VALUE, &files)
        }
    }

    /// Step 1: one log line per event on stderr, at `level` and above; stdout is kept for what scripts read.
    static func bootstrapLogging(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "seawall")
    }

    /// Steps 2 and 3: the scanout target (files, nowhere, or a display — the DRM backend takes the display now,
    /// so that a problem is reported before any client connects) and the server listening on its socket in
    /// $XDG_RUNTIME_DIR.
    static func start(_ options: ServerOptions, backend: Backend, log: Logger) throws(StartupError) -> StartedCompositor {
        let scanout: ScanoutTarget
        var display: DRMScanout?
        var outputSize = options.sizeOrDefault
        let recording: VideoRecording?
        do { recording = try options.videoRecording() } catch { throw StartupError(description: error.description) }
        do {
            switch backend {
            case .ppm: scanout = try FileScanout(outputDirectory: options.outputDirectoryOrDefault, dumpEvery: options.dumpEvery,
                                                 recording: recording)
            case .null where recording != nil: scanout = try FileScanout(outputDirectory: nil, dumpEvery: 0, recording: recording)
            case .null: scanout = NullScanout()
            case .drm:
                let drm = try DRMScanout(devicePath: options.device, connector: options.connector, mode: options.mode)
                outputSize = PixelSize(width: drm.width, height: drm.height)
                display = drm
                scanout = drm
            }
        } catch {
            throw StartupError(description: backend == .drm ? error.description
                                             : "cannot use --output-dir \(options.outputDirectoryOrDefault): \(error)")
        }
        let configuration = options.configuration(outputSize: outputSize, pacedByDisplay: display != nil)
        // The outputs after the first write their frames to directories of their own (--output-dir/SEAWALL-N),
        // or nowhere.
        var otherScanouts: [ScanoutTarget] = []
        for index in configuration.outputs.indices.dropFirst() {
            let directory = options.outputDirectoryOrDefault + "/" + OutputArea.name(ofIndex: index)
            do {
                otherScanouts.append(backend == .ppm ? try FileScanout(outputDirectory: directory, dumpEvery: options.dumpEvery, recording: nil)
                                                     : NullScanout())
            } catch {
                throw StartupError(description: "cannot use \(directory) for output \(index + 1): \(error)")
            }
        }
        do {
            let server = try Server(configuration: configuration, scanout: scanout, otherScanouts: otherScanouts, logger: log)
            // The seat has a pointer, a keyboard and touch (unless left out), before any client binds it:
            // `seawall ctl` drives them, and clients like wl-copy need a keyboard focus.
            options.attachInputDevices(to: server.seat)
            return StartedCompositor(server: server, display: display, outputSize: outputSize)
        } catch {
            throw StartupError(description: error.description)
        }
    }
}
