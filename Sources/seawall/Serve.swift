// seawall serve (the default subcommand): the compositor.
//
// This file is meant to be read top to bottom. It parses the command line, builds the pieces —
// a scanout target (where finished frames go), the Wayland server (display, globals, scene, renderer,
// frame clock) — then runs the event loop until SIGINT or SIGTERM, and finally writes the last frame.
// Everything that touches client memory lives in ClientMemory (and WaylandServer speaks for it); nothing here does.
import ArgumentParser
import Compositor
import Control
import CShims
import DRMScanout
import Glibc
import Logging
import Scanout
import WaylandServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the compositor (the default: `seawall [OPTIONS]` is `seawall serve [OPTIONS]`).",
        discussion: """
            Clients connect on a socket in $XDG_RUNTIME_DIR (printed at start; set WAYLAND_DISPLAY to it). \
            Every wl_shm pool must be a memfd sealed with F_SEAL_SHRINK; other pools are refused with \
            wl_shm.error.invalid_fd and a message saying what is missing. Seawall composes the windows \
            (new ones cascade from the top-left corner) and writes frames to --output-dir. \
            On SIGINT or SIGTERM it writes DIR/last.ppm and DIR/last.png and exits 0.

            With --backend drm, frames go to a display instead: Seawall becomes the card's DRM master, shows \
            the frames in two dumb buffers at the connector's mode (--size is not used), repaints when the \
            previous page flip completed, and on SIGINT or SIGTERM gives the display back as it found it.

            Example:
              seawall --size 800x600 --output-dir /tmp/frames --dump-every 60 &
              WAYLAND_DISPLAY=wayland-1 seawall-demo gradient --frames 120
              seawall --backend drm --device /dev/dri/card0 --mode 1280x720@60
            """)

    @OptionGroup var options: ServerOptions

    func run() throws {
        // 0. SIGBUS goes back to its default action. Nothing in Seawall wants a SIGBUS handler: client pools are
        //    sealed against shrinking, so reading a mapped pool cannot fault. The Swift runtime installs a
        //    crash-backtrace handler for SIGBUS (and others) at start-up; removing it for SIGBUS means a
        //    fault would end the process plainly instead of being caught — there is nothing to recover.
        //    SIGINT and SIGTERM are reset too: a shell may have started us with them ignored, and ignored
        //    signals never reach the signalfd that step 5 listens on. Every pool keeps one fd open (to
        //    re-check its size on resize), so the soft fd limit is raised to the hard one.
        //    (Startup.swift holds steps 0 to 3: `seawall run` starts its compositor the same way.)
        Startup.prepareProcess()

        // 1. Logging: one line per event on stderr; stdout is kept for what a script needs (socket, paths).
        let log = Startup.bootstrapLogging(level: options.logLevel ?? .info)

        // 2. Where finished frames go: files, nowhere, or a display. The DRM backend takes the display now
        //    (DRM master, connector, mode, CRTC, two dumb buffers) so that a problem is reported before any
        //    client connects; the output then has the mode's size, and the display's page flips pace it.
        // 3. The compositor: display + socket, globals, scene, renderer, frame clock.
        let started: StartedCompositor
        do {
            started = try Startup.start(options, backend: options.backend ?? .ppm, log: log)
        } catch {
            fail(error.description)
        }
        let server = started.server, display = started.display, outputSize = started.outputSize

        // 4. The control socket beside the Wayland socket (`seawall ctl`: windows, screenshots, waits, frames),
        //    mode 0600 and only for our own uid, served from the same event loop.
        let socketName = server.socketName ?? "?"
        let runtimeDirectory = (try? Display.runtimeDirectory()) ?? "$XDG_RUNTIME_DIR"
        let control = ControlService(server: server)
        let controlSocket: ControlSocket
        do {
            controlSocket = try ControlSocket(path: runtimeDirectory + "/" + socketName + ".ctl", display: server.display,
                                              router: control.router, log: log)
        } catch {
            fail(error.description)
        }

        // 5. Tell people (and scripts) where to connect. stdout is flushed so a parent can read it at once.
        print("seawall: listening on \(socketName) in \(runtimeDirectory) — run clients with WAYLAND_DISPLAY=\(socketName)")
        print("seawall: control socket \(controlSocket.path) — seawall ctl finds it from WAYLAND_DISPLAY, --socket or SEAWALL_CTL")
        if let display {
            print("seawall: \(outputSize), paced by page flips, frames to \(display.description)")
        } else {
            let outputs = server.heads.map { head in
                let a = head.area
                return server.heads.count == 1 ? "\(a.deviceWidth)x\(a.deviceHeight)"
                    : "\(a.name) \(a.deviceWidth)x\(a.deviceHeight)\(a.scale == .one ? "" : "@\(a.scale)") at \(a.rect.x),\(a.rect.y)"
            }
            print("seawall: \(outputs.joined(separator: ", ")), \(options.refresh), frames to \((options.backend ?? .ppm) == .ppm ? options.outputDirectoryOrDefault : "nowhere")")
        }
        fflush(nil)   // all C streams; stdout is a pipe when a script starts us

        // 6. SIGINT and SIGTERM arrive through a signalfd in the event loop: no signal handler is installed
        //    (and in particular none for SIGBUS — sealed pools cannot shrink under us).
        var stopping = false
        server.display.onSignal(SIGINT) { stopping = true }
        server.display.onSignal(SIGTERM) { stopping = true }

        // 7. Run until told to stop; then the control socket goes (its file removed) before the last frame.
        withExtendedLifetime((control, controlSocket)) { server.run { stopping } }
        if let error = server.scanoutError {
            try? display?.restore()   // leave the console as we found it, even after a failed flip
            fail("stopped: scanout failed: \(error)")
        }

        // 8. The last frame, for people (files), or the display given back as it was (DRM: the saved CRTC is
        //    restored, then the framebuffers and dumb buffers are released).
        do {
            for path in try server.finish() { print("seawall: wrote \(path)") }
        } catch {
            fail(display != nil ? "\(error)" : "could not write the last frame: \(error)")
        }
        if let display {
            print("seawall: \(display.summary)")
            print("seawall: restored \(display.choice.connector.name) on CRTC \(display.savedCrtc.crtcID) to \(display.savedCrtc.mode?.description ?? "off")")
            fflush(nil)
        }
        if let summary = server.scanoutDelaySummary { log.warning("\(summary)") }
        log.info("stopped after \(server.frameCount) frames")
    }
}
