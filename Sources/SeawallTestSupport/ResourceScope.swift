import Glibc
import Testing

/// What one test may leave behind in this process, and the check that it left nothing: counted from /proc
/// (`ProcessResources`) before the test and again after it, once everything the test made is gone.
///
/// Two levels, because Swift Testing runs every suite of the test process (all test targets share it) in
/// parallel:
/// - always: what can be told apart from other suites' work. Memfds whose name contains `marker` (their fds
///   on both sides of the connection and their mappings), the test's sockets (by inode, `socket:[N]`), and
///   the objects registered with `expectReleased` (a server that is gone has closed its event loop and
///   every fd it held).
/// - when the process runs nothing else (`exclusive`): the total number of open fds and of file mappings
///   (lines of /proc/self/maps that name a path — pools, keymaps, shared libraries; anonymous memory is
///   malloc's business) must equal the counts before the test.
public final class ResourceScope: @unchecked Sendable {
    /// The scope of the test running in this task (set by the `.checksResources` trait).
    @TaskLocal public static var current: ResourceScope?

    public let marker: String
    public let exclusive: Bool
    private let before: Counts
    private var socketInodes: [UInt64] = []
    private var watched: [(name: String, object: Weak)] = []

    private struct Weak { weak var object: AnyObject? }

    /// Takes the counts before the test.
    public init(marker: String, exclusive: Bool) {
        self.marker = marker
        self.exclusive = exclusive
        before = ResourceScope.counts(marker: marker)
    }

    /// The totals, and `marker`'s own fds and mappings.
    private struct Counts {
        var fds: Int, fileMappings: Int, markedFDs: Int, markedMappings: Int
    }

    private static func counts(marker: String) -> Counts {
        let marked = ProcessResources.count(marker: marker)
        // Every line of /proc/self/maps that names a file has " /" before its path; no other field does.
        let files = ProcessResources.count(marker: " /")
        return Counts(fds: files.fds, fileMappings: files.markedMappings, markedFDs: marked.markedFDs,
                      markedMappings: marked.markedMappings)
    }

    /// Remembers the socket behind `fd` (its inode): after the test no fd may refer to it.
    public func watchSocket(_ fd: Int32) {
        var st = stat()
        if fstat(fd, &st) == 0 { socketInodes.append(UInt64(st.st_ino)) }
    }

    /// `object` must have been deallocated by the end of the test.
    public func expectReleased(_ object: AnyObject, _ name: String) {
        watched.append((name, Weak(object: object)))
    }

    /// What the test left behind, one sentence each; empty when it left nothing.
    public func leftovers() -> [String] {
        var problems: [String] = []
        for (name, reference) in watched where reference.object != nil {
            problems.append("\(name) is still alive after the test")
        }
        for inode in socketInodes {
            let open = ProcessResources.count(marker: "socket:[\(inode)]").markedFDs
            if open > 0 { problems.append("socket \(inode) is still open (\(open) fds)") }
        }
        let after = ResourceScope.counts(marker: marker)
        if after.markedFDs != before.markedFDs {
            problems.append("fds of \(marker) memfds: \(after.markedFDs) after the test, \(before.markedFDs) before")
        }
        if after.markedMappings != before.markedMappings {
            problems.append("mappings of \(marker) memfds: \(after.markedMappings) after the test, \(before.markedMappings) before")
        }
        if exclusive && after.fds != before.fds {
            problems.append("open fds: \(after.fds) after the test, \(before.fds) before")
        }
        if exclusive && after.fileMappings != before.fileMappings {
            problems.append("file mappings: \(after.fileMappings) after the test, \(before.fileMappings) before")
        }
        return problems
    }

    /// Whether this test process runs only tests whose names contain `suite`: every `--filter` argument
    /// Swift Testing got names it (`swift test --filter ProtocolTests`), or SEAWALL_EXACT_RESOURCES=1 says
    /// so. Only then do other suites' files not come and go in the totals.
    public static func runsAlone(_ suite: String) -> Bool {
        if let value = getenv("SEAWALL_EXACT_RESOURCES"), String(cString: value) == "1" { return true }
        let arguments = CommandLine.arguments
        var filters: [String] = []
        for (index, argument) in arguments.enumerated() {
            if argument == "--filter", index + 1 < arguments.count { filters.append(arguments[index + 1]) }
            if argument.hasPrefix("--filter=") { filters.append(String(argument.dropFirst("--filter=".count))) }
        }
        return !filters.isEmpty && filters.allSatisfy { $0.contains(suite) }
    }
}

/// Runs each test of a suite inside a `ResourceScope` and records an issue for everything it left behind.
public struct ChecksResourcesTrait: SuiteTrait, TestTrait, TestScoping {
    public let marker: String
    public let exclusive: Bool
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }   // the suite itself: scopes are per test
        let scope = ResourceScope(marker: marker, exclusive: exclusive)
        try await ResourceScope.$current.withValue(scope) { try await function() }
        for problem in scope.leftovers() {
            Issue.record(Comment(rawValue: "left behind: \(problem)"), sourceLocation: test.sourceLocation)
        }
    }
}

extension Trait where Self == ChecksResourcesTrait {
    /// After every test: nothing left of `marker`'s memfds, the test's sockets and servers, and — when
    /// `exclusive` (see `ResourceScope.runsAlone`) — the process's fd and file-mapping totals as before.
    public static func checksResources(marker: String, exclusive: Bool) -> Self {
        ChecksResourcesTrait(marker: marker, exclusive: exclusive)
    }
}
