import Glibc

/// Starting a helper program with `posix_spawn`: with no blocked signals and every signal's default action,
/// whatever the spawning thread had (Seawall blocks SIGINT, SIGTERM and SIGCHLD for its signalfd, and a
/// child inheriting that mask could not be stopped), chosen descriptors moved onto chosen numbers, and,
/// if asked, in a process group of its own (a Ctrl-C in the terminal then reaches Seawall only, which ends
/// the child properly).
public enum Spawn {
    /// Starts `executable` with `arguments` (argv[1…]) and `environment` ("NAME=value" entries; nil: this
    /// process's). `descriptors` are `dup2`ed in the child (source → target). Returns the child's pid.
    public static func start(_ executable: String, arguments: [String], environment: [String]? = nil,
                             descriptors: [(source: Int32, target: Int32)] = [],
                             ownProcessGroup: Bool = false) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in descriptors { posix_spawn_file_actions_adddup2(&actions, source, target) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            for p in argv { free(p) }
            for p in envp ?? [] { free(p) }
        }
        var child: pid_t = 0
        let status = envp.map { posix_spawn(&child, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw SystemError("posix_spawn \(executable)", errno: status) }
        return child
    }
}
