// seawall ctl: talk to a running Seawall through its control socket, like swaymsg or hyprctl.
import ArgumentParser
import Control
import Glibc

struct Ctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Control a running Seawall: list windows and outputs, take screenshots, wait until windows settle, step frames, give input.",
        discussion: """
            Commands:
            \(ControlCommandLine.usage)

            The socket is --socket PATH, else $SEAWALL_CTL (which `seawall run` exports), else \
            $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY.ctl (Seawall prints it at start). The reply is printed for a \
            person (a table for windows); --json prints the raw JSON reply line.

            Coordinates (window geometry, pointer and touch positions) are logical, in one layout of every \
            output (`seawall ctl outputs` shows where each is; with one output, the layout is that output). \
            Screenshots are in pixels: of one output with --output NAME, of every output laid out as they are \
            (at the largest scale among them, the background colour where no output is) without it.

            Exit status: 0 for an ok reply, 1 for an error reply, 2 when Seawall cannot be reached (or closed the \
            connection without a reply), 64 for a command line that makes no request.

            Examples:
              seawall ctl windows
              seawall ctl wait window org.gnome.Calculator --timeout 20
              seawall ctl wait settled --ms 300 && seawall ctl screenshot shot.png --window foot
              seawall ctl outputs && seawall ctl screenshot right.png --output SEAWALL-2
            """)

    @Option(name: .long, help: ArgumentHelp("The control socket (default: $SEAWALL_CTL, else $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY.ctl).", valueName: "PATH"))
    var socket: String?

    @Flag(name: .long, help: "Print the raw JSON reply.")
    var json = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command and its arguments.", valueName: "COMMAND"))
    var words: [String] = []

    func run() throws {
        // The command's words are passed through as they are, so --help among them is ours to answer.
        if let first = words.first, ["--help", "-h", "help"].contains(first) {
            print(Ctl.helpMessage())
            return
        }
        let request: ControlRequest
        do {
            request = try ControlCommandLine.request(from: words, workingDirectory: Ctl.workingDirectory())
        } catch {
            throw ValidationError(error.description)
        }
        guard let path = Ctl.socketPath(option: socket) else {
            Ctl.exit(2, "seawall ctl: cannot find Seawall's control socket: give --socket PATH, or set SEAWALL_CTL, or WAYLAND_DISPLAY (and XDG_RUNTIME_DIR) as for its clients")
        }
        let reply: JSON
        do {
            let client = try ControlClient(path: path)
            do {
                try client.send(request.body)
            } catch {
                // Seawall may have refused the connection (another uid, too many connections) and closed
                // it before the request went out: its one reply line is still there to read.
                guard let refusal = try? client.reply(timeout: 1) else { throw error }
                finish(refusal, command: request.command)
            }
            reply = try client.reply()
        } catch {
            Ctl.exit(2, "seawall ctl: \(error)")
        }
        finish(reply, command: request.command)
    }

    /// Prints the reply and exits 0 for ok, 1 for an error reply.
    func finish(_ reply: JSON, command: String) -> Never {
        let ok = reply["ok"]?.bool == true
        let text = json ? reply.text : ControlCommandLine.describe(reply, command: command)
        if ok {
            print(text)
        } else {
            Ctl.writeError(text.hasPrefix("error: ") ? "seawall ctl: " + text : text)
        }
        fflush(nil)
        Glibc.exit(ok ? 0 : 1)
    }

    /// --socket, else $SEAWALL_CTL, else $WAYLAND_DISPLAY.ctl in $XDG_RUNTIME_DIR (or beside an absolute
    /// WAYLAND_DISPLAY).
    static func socketPath(option: String?) -> String? {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty else { return nil }
            return value
        }
        if let option { return option }
        if let path = variable("SEAWALL_CTL") { return path }
        guard let display = variable("WAYLAND_DISPLAY") else { return nil }
        if display.hasPrefix("/") { return display + ".ctl" }
        guard let runtime = variable("XDG_RUNTIME_DIR") else { return nil }
        return runtime + "/" + display + ".ctl"
    }

    static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func writeError(_ message: String) {
        let line = message + "\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    static func exit(_ status: Int32, _ message: String) -> Never {
        writeError(message)
        fflush(nil)
        Glibc.exit(status)
    }
}
