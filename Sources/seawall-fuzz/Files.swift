import CClientShims
import CShims
import Glibc

/// A file descriptor made to be sent as an `h` argument, with what the fuzzer knows about it.
struct MadeFile {
    let fd: Int32
    /// The file's size for memfds, 0 for everything else.
    let size: Int64
    let kind: String
    /// An unsealed memfd the fuzzer keeps a duplicate of, to truncate after the server has it.
    var keep = false
}

/// Makes the files the fuzzer sends: sealed memfds of many sizes (the ones Seawall accepts), and every kind it
/// must refuse without harm: unsealed memfds, write-sealed ones, pipes, sockets, /dev/null, eventfds,
/// directories, O_PATH and write-only descriptors.
enum FileMaker {
    /// Sizes near the boundaries a pool or buffer check looks at; big ones are sparse and cost nothing.
    static let interestingSizes: [Int64] = [
        0, 1, 3, 4, 16, 64, 4095, 4096, 4097, 8192, 16 * 16 * 4, 64 * 64 * 4, 64 * 64 * 4 * 2, 65536,
        256 * 256 * 4, 640 * 480 * 4, 1 << 20, 1280 * 720 * 4, 16 << 20, 1 << 30, Int64(Int32.max),
    ]

    static func size(_ random: FuzzRandom) -> Int64 {
        switch random.below(10) {
        case 0..<6: return random.pick(interestingSizes)
        case 6..<9: return Int64(random.below(1 << 18)) * 4
        default: return Int64(random.below(1 << 22))
        }
    }

    /// A random file. nil when the system refused (out of fds, say): the caller sends something else.
    static func make(_ random: FuzzRandom) -> MadeFile? {
        switch random.weighted([50, 12, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3]) {
        case 0: return sealed(size: size(random), extraSeals: random.oneIn(6) ? random.pick(extraSealChoices) : 0)
        case 1: return memfd(size: size(random), allowSealing: random.percent(70), keep: random.percent(50))
        case 2: return pipeEnd(read: random.percent(50))
        case 3: return open("/dev/null", flags: O_RDWR, kind: "/dev/null")
        case 4: return simple(sw_client_eventfd(UInt32(random.below(4))), kind: "eventfd")
        case 5: return socketEnd()
        case 6: return open("/tmp", flags: O_RDONLY | O_DIRECTORY, kind: "directory")
        case 7: return reopened(size: size(random), flags: O_WRONLY, kind: "write-only memfd")
        case 8: return reopened(size: size(random), flags: FileMaker.oPath, kind: "O_PATH memfd")
        case 9: return open("/proc/self/status", flags: O_RDONLY, kind: "procfs file")
        case 10: return sealed(size: size(random), extraSeals: Int32(SW_F_SEAL_SHRINK | SW_F_SEAL_GROW | SW_F_SEAL_SEAL))
        default: return reopened(size: size(random), flags: O_RDONLY, kind: "read-only sealed memfd")
        }
    }

    /// O_PATH (Linux, x86-64 and arm64): fstat works on such an fd, mmap and read do not. Glibc's module lacks it.
    static let oPath: Int32 = 0o10_000_000

    static let extraSealChoices = [
        Int32(SW_F_SEAL_WRITE), Int32(SW_F_SEAL_FUTURE_WRITE), Int32(SW_F_SEAL_GROW), Int32(SW_F_SEAL_SEAL),
    ]

    /// `memfd_create(MFD_ALLOW_SEALING)` + `ftruncate` + `F_ADD_SEALS(F_SEAL_SHRINK | extra)`.
    static func sealed(size: Int64, extraSeals: Int32) -> MadeFile? {
        let fd = sw_memfd_create("seawall-fuzz", UInt32(SW_MFD_CLOEXEC | SW_MFD_ALLOW_SEALING))
        guard fd >= 0 else { return nil }
        guard ftruncate(fd, off_t(size)) == 0, sw_add_seals(fd, Int32(SW_F_SEAL_SHRINK) | extraSeals) == 0 else {
            close(fd)
            return nil
        }
        return MadeFile(fd: fd, size: size, kind: "sealed memfd \(size)")
    }

    /// `memfd_create` without any seal (with or without MFD_ALLOW_SEALING).
    static func memfd(size: Int64, allowSealing: Bool, keep: Bool) -> MadeFile? {
        let flags = UInt32(SW_MFD_CLOEXEC) | (allowSealing ? UInt32(SW_MFD_ALLOW_SEALING) : 0)
        let fd = sw_memfd_create("seawall-fuzz-unsealed", flags)
        guard fd >= 0 else { return nil }
        guard ftruncate(fd, off_t(size)) == 0 else {
            close(fd)
            return nil
        }
        return MadeFile(fd: fd, size: size, kind: "unsealed memfd \(size)", keep: keep)
    }

    /// A sealed memfd opened again through /proc/self/fd with other access (`open` on the magic link).
    static func reopened(size: Int64, flags: Int32, kind: String) -> MadeFile? {
        guard let base = sealed(size: size, extraSeals: 0) else { return nil }
        defer { close(base.fd) }
        let fd = Glibc.open("/proc/self/fd/\(base.fd)", flags | O_CLOEXEC)
        return fd >= 0 ? MadeFile(fd: fd, size: size, kind: kind) : nil
    }

    static func pipeEnd(read: Bool) -> MadeFile? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        close(read ? ends[1] : ends[0])
        return MadeFile(fd: read ? ends[0] : ends[1], size: 0, kind: read ? "pipe read end" : "pipe write end")
    }

    static func socketEnd() -> MadeFile? {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            return nil
        }
        close(ends[1])
        return MadeFile(fd: ends[0], size: 0, kind: "socket")
    }

    static func open(_ path: String, flags: Int32, kind: String) -> MadeFile? {
        simple(Glibc.open(path, flags | O_CLOEXEC), kind: kind)
    }

    private static func simple(_ fd: Int32, kind: String) -> MadeFile? {
        return fd >= 0 ? MadeFile(fd: fd, size: 0, kind: kind) : nil
    }
}
