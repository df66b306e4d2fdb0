import CClientShims
import CProtocolsClient
import CShims
import CWaylandClient
import Glibc

/// One attack: a name for the command line, what it does, and the code that does it on a fresh connection.
struct Scenario: Sendable {
    let name: String
    let summary: String
    let run: @Sendable (AttackClient) -> Void
}

/// Prints a line the test can read besides the verdict ("note: …").
func note(_ text: String) {
    print("note: \(text)")
}

/// A pool of `size` bytes from `fd` with one 16x16 buffer at `offset`, shown in a window.
private func showFrom(_ client: AttackClient, fd: Int32, size: Int32, offset: Int32 = 0) {
    guard let window = client.window() else { return }
    let pool = client.pool(fd: fd, size: size)
    client.show(client.buffer(pool, offset: offset, width: 16, height: 16), on: window.surface)
}

private func fileScenario(_ name: String, _ summary: String, _ make: @escaping @Sendable () -> Int32) -> Scenario {
    Scenario(name: name, summary: summary) { client in
        let fd = make()
        guard fd >= 0 else { return note("could not make the fd: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = client.pool(fd: fd, size: 4096)
    }
}

private func bufferScenario(_ name: String, _ summary: String, offset: Int32 = 0, width: Int32 = 16, height: Int32 = 16,
                            stride: Int32? = nil, format: UInt32 = WL_SHM_FORMAT_XRGB8888.rawValue) -> Scenario {
    Scenario(name: name, summary: summary) { client in
        let fd = client.sealedMemfd(65536)
        defer { close(fd) }
        _ = client.buffer(client.pool(fd: fd, size: 65536), offset: offset, width: width, height: height,
                          stride: stride, format: format)
    }
}

let scenarios: [Scenario] = [
    // Pool fds that are not sealed memfds.
    fileScenario("memfd-without-sealing", "memfd made without MFD_ALLOW_SEALING") {
        let fd = sw_memfd_create("seawall-attack", UInt32(SW_MFD_CLOEXEC))
        _ = ftruncate(fd, 4096)
        return fd
    },
    fileScenario("memfd-unsealed", "memfd that allows sealing but has no seal") {
        let fd = sw_memfd_create("seawall-attack", UInt32(SW_MFD_CLOEXEC | SW_MFD_ALLOW_SEALING))
        _ = ftruncate(fd, 4096)
        return fd
    },
    fileScenario("shm-open", "POSIX shared memory (shm_open, then shm_unlink)") {
        let name = "/seawall-attack-\(getpid())"
        let fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0o600)
        shm_unlink(name)
        _ = ftruncate(fd, 4096)
        return fd
    },
    fileScenario("tmpfile-dev-shm", "O_TMPFILE in /dev/shm") {
        let fd = open("/dev/shm", O_RDWR | 0o20000000 /* O_TMPFILE without O_DIRECTORY */ | O_DIRECTORY, 0o600)
        _ = ftruncate(fd, 4096)
        return fd
    },
    fileScenario("regular-file", "a regular file on disk") {
        let path = "/tmp/seawall-attack-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        unlink(path)
        _ = ftruncate(fd, 4096)
        return fd
    },
    fileScenario("copy-policy-procfs-file", "(--shm-policy copy) a regular file on a filesystem the copy policy does not read (/proc)") {
        open("/proc/self/status", O_RDONLY)
    },
    fileScenario("pipe", "the read end of a pipe") {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return -1 }
        close(fds[1])
        return fds[0]
    },
    fileScenario("socket", "one end of a socketpair") {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { return -1 }
        close(fds[1])
        return fds[0]
    },
    fileScenario("eventfd", "an eventfd") { sw_client_eventfd_attack() },
    fileScenario("dev-null", "/dev/null") { open("/dev/null", O_RDWR) },
    fileScenario("directory", "a directory") { open("/tmp", O_RDONLY | O_DIRECTORY) },
    fileScenario("write-only", "a sealed memfd reopened write-only") {
        let sealed = sealedAttackMemfd(4096)
        defer { close(sealed) }
        return open("/proc/self/fd/\(sealed)", O_WRONLY)
    },
    fileScenario("o-path", "an O_PATH fd of a sealed memfd") {
        let sealed = sealedAttackMemfd(4096)
        defer { close(sealed) }
        return open("/proc/self/fd/\(sealed)", 0o10000000 /* O_PATH */)
    },
    Scenario(name: "hugetlb", summary: "MFD_HUGETLB memfd, sealed") { client in
        let fd = sw_memfd_create("seawall-attack-huge", UInt32(SW_MFD_CLOEXEC | SW_MFD_ALLOW_SEALING | SW_MFD_HUGETLB))
        guard fd >= 0 else { return note("skipped: no huge pages (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard ftruncate(fd, 2 << 20) == 0, sw_add_seals(fd, Int32(SW_F_SEAL_SHRINK)) == 0 else {
            return note("skipped: cannot size or seal a huge-page memfd (\(String(cString: strerror(errno))))")
        }
        showFrom(client, fd: fd, size: 2 << 20)
    },

    // Size lies.
    Scenario(name: "pool-larger-than-file", summary: "pool of 8192 bytes on a sealed 4096-byte file") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        _ = client.pool(fd: fd, size: 8192)
    },
    Scenario(name: "resize-beyond-file", summary: "resize a sealed pool past the file's end, then use it there") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 4096) else { return }
        wl_shm_pool_resize(pool, 1 << 20)
        client.show(client.buffer(pool, offset: 1 << 19, width: 16, height: 16), on: window.surface, waitForFrame: false)
    },
    Scenario(name: "resize-smaller", summary: "resize a pool smaller") { client in
        let fd = client.sealedMemfd(8192)
        defer { close(fd) }
        wl_shm_pool_resize(client.pool(fd: fd, size: 8192), 4096)
    },
    Scenario(name: "pool-size-zero", summary: "pool size 0") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        _ = client.pool(fd: fd, size: 0)
    },
    Scenario(name: "pool-size-negative", summary: "pool size -4096") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        _ = client.pool(fd: fd, size: -4096)
    },
    Scenario(name: "pool-size-int32-max", summary: "pool size INT32_MAX on a 4096-byte file") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        _ = client.pool(fd: fd, size: Int32.max)
    },
    Scenario(name: "grow-then-resize", summary: "grow the sealed file, resize the pool, show a buffer at the end") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 4096) else { return }
        _ = ftruncate(fd, 1 << 20)
        wl_shm_pool_resize(pool, 1 << 20)
        if !client.show(client.buffer(pool, offset: (1 << 20) - 1024, width: 16, height: 16), on: window.surface) {
            note("the frame was not shown")
        }
    },
    Scenario(name: "shrink-after-sealing", summary: "ftruncate smaller and punch a hole in a sealed pool in use") { client in
        let fd = client.sealedMemfd(65536)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 65536) else { return }
        client.show(client.buffer(pool, width: 64, height: 64), on: window.surface)
        note("ftruncate smaller: \(ftruncate(fd, 0) == 0 ? "allowed" : String(cString: strerror(errno)))")
        note("punch hole: \(sw_punch_hole(fd, 0, 65536) == 0 ? "allowed" : String(cString: strerror(errno)))")
        if !client.show(client.buffer(pool, width: 64, height: 64), on: window.surface) { note("the frame was not shown") }
    },

    // Buffer parameters.
    bufferScenario("negative-offset", "buffer at offset -4", offset: -4),
    bufferScenario("offset-wraps-32-bits", "offset + stride x height is 2^32 + 4096: 4096 in 32-bit arithmetic",
                   offset: 4096, width: 16, height: 16, stride: 1 << 28),
    bufferScenario("stride-too-small", "stride smaller than width x 4", width: 16, stride: 60),
    bufferScenario("stride-unaligned", "stride not a multiple of 4", width: 16, stride: 66),
    bufferScenario("zero-width", "width 0", width: 0),
    bufferScenario("negative-height", "height -1", height: -1),
    bufferScenario("over-the-size-limit", "width 16385", width: 16385, height: 1),
    bufferScenario("unknown-format", "fourcc NV12 (two planes: never advertised)", format: 0x3231_564E),
    bufferScenario("fourcc-for-argb8888", "fourcc AR24, ARGB8888's DRM code (wl_shm's is 0, and AR24 was not advertised)",
                   format: 0x3432_5241),
    bufferScenario("rgb565-stride-too-small", "RGB565 with stride 28 for width 16 (needs 32)", width: 16, stride: 28,
                   format: WL_SHM_FORMAT_RGB565.rawValue),
    bufferScenario("rgb888-stride-odd", "RGB888 with stride 45 for width 15 (whole pixels, not a multiple of 4)",
                   width: 15, stride: 45, format: WL_SHM_FORMAT_RGB888.rawValue),
    bufferScenario("rgb565-wraps-32-bits", "RGB565 16384x16384, stride 32768: 2^29 bytes from offset 2^31 - 4",
                   offset: Int32.max - 3, width: 16384, height: 16384, stride: 32768, format: WL_SHM_FORMAT_RGB565.rawValue),
    Scenario(name: "rgb888-odd-width-shown", summary: "RGB888 15x16 with stride 48 (45 bytes and 3 of padding), shown") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let window = client.window() else { return }
        let pool = client.pool(fd: fd, size: 4096)
        if !client.show(client.buffer(pool, width: 15, height: 16, stride: 48, format: WL_SHM_FORMAT_RGB888.rawValue),
                        on: window.surface) { note("the frame was not shown") }
    },

    // Write-sealed buffers: Seawall only reads, so these work.
    Scenario(name: "write-sealed", summary: "F_SEAL_SHRINK|GROW|WRITE buffer") { client in
        let fd = client.sealedMemfd(4096, extra: Int32(SW_F_SEAL_GROW | SW_F_SEAL_WRITE))
        defer { close(fd) }
        showFrom(client, fd: fd, size: 4096)
    },
    Scenario(name: "future-write-sealed", summary: "F_SEAL_SHRINK|FUTURE_WRITE buffer") { client in
        let fd = client.sealedMemfd(4096, extra: Int32(SW_F_SEAL_FUTURE_WRITE))
        defer { close(fd) }
        showFrom(client, fd: fd, size: 4096)
    },
] + lifetimeScenarios + floodScenarios + grabScenarios + popupGrabScenarios + selectionScenarios + primarySelectionScenarios + presentationScenarios + subsurfaceScenarios + viewportScenarios + layerShellScenarios + fractionalScaleScenarios
    + virtualPointerScenarios
    + virtualKeyboardScenarios
    + decorationActivationScenarios
    + foreignToplevelScenarios
    + pointerConstraintScenarios
    + outputScenarios

/// Sealed memfd for scenarios that make their fd before the client exists.
func sealedAttackMemfd(_ size: Int) -> Int32 {
    let fd = sw_memfd_create("seawall-attack", UInt32(SW_MFD_CLOEXEC | SW_MFD_ALLOW_SEALING))
    guard fd >= 0, ftruncate(fd, off_t(size)) == 0, sw_add_seals(fd, Int32(SW_F_SEAL_SHRINK)) == 0 else { return -1 }
    return fd
}

func sw_client_eventfd_attack() -> Int32 { sw_client_eventfd(0) }
