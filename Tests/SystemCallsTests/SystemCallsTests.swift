import Glibc
import SystemCalls
import Testing

/// Owned descriptors, the errno carrier and the timerfd, on real descriptors.
struct SystemCallsTests {
    /// Whether `raw` is an open descriptor of this process (`fcntl(F_GETFD)`).
    static func isOpen(_ raw: Int32) -> Bool { fcntl(raw, F_GETFD) >= 0 }

    @Test func ownedFDClosesOnDeinit() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        do {
            let readEnd = OwnedFD(taking: fds[0])
            let writeEnd = OwnedFD(taking: fds[1])
            #expect(Self.isOpen(readEnd.rawValue) && Self.isOpen(writeEnd.rawValue))
        }
        #expect(!Self.isOpen(fds[0]) && errno == EBADF)
        #expect(!Self.isOpen(fds[1]))
    }

    @Test func releaseHandsTheDescriptorOver() throws {
        let owned = try OwnedFD.open("/dev/null", O_RDONLY | O_CLOEXEC)
        let raw = owned.release()
        #expect(Self.isOpen(raw), "released, not closed")
        #expect(close(raw) == 0)
    }

    @Test func duplicateIsIndependentAndCloseOnExec() throws {
        let original = try OwnedFD.open("/dev/null", O_RDONLY | O_CLOEXEC)
        var copyRaw: Int32 = -1
        do {
            let copy = try original.duplicate()
            copyRaw = copy.rawValue
            #expect(copyRaw != original.rawValue)
            #expect(fcntl(copyRaw, F_GETFD) & FD_CLOEXEC != 0)
        }
        #expect(!Self.isOpen(copyRaw))
        #expect(Self.isOpen(original.rawValue), "closing the copy leaves the original open")
    }

    @Test func explicitCloseClosesOnce() throws {
        let owned = try OwnedFD.open("/dev/null", O_RDONLY | O_CLOEXEC)
        let raw = owned.rawValue
        try owned.close()
        #expect(!Self.isOpen(raw))
    }

    @Test func openFailureCarriesOpensErrno() {
        #expect(throws: SystemError("open", errno: ENOENT)) {
            _ = try OwnedFD.open("/nonexistent/seawall-test", O_RDONLY | O_CLOEXEC)
        }
    }

    @Test func fileFactsOfARegularFile() throws {
        let fd = try OwnedFD.open("/proc/self/exe", O_RDONLY | O_CLOEXEC)
        #expect(try fd.fileType() == UInt32(S_IFREG))
        #expect(try fd.fileSize() > 0)
        #expect(try fd.filesystemMagic() != 0)
    }

    @Test func errorMessagesNameTheCallAndTheReason() {
        let error = SystemError("mmap", errno: ENOMEM)
        #expect(error.reason == "Cannot allocate memory")
        #expect(error.description == "mmap: Cannot allocate memory (errno 12)")
        #expect(error.brief == "mmap: Cannot allocate memory", "the DRM backend's messages show this form")
    }

    @Test func retryingEINTRThrowsTheErrnoOfAFailure() {
        #expect(throws: SystemError("fcntl", errno: EBADF)) {
            _ = try retryingEINTR("fcntl") { fcntl(-1, F_GETFD) }
        }
        #expect((try? retryingEINTR("getpid") { getpid() }) == getpid())
    }

    @Test func periodicTimerFiresAndClosesWithTheValue() throws {
        var raw: Int32 = -1
        do {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let start = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
            let timer = try PeriodicTimer(firstNanoseconds: start + 1_000_000, periodNanoseconds: 1_000_000)
            raw = timer.rawValue
            #expect(fcntl(raw, F_GETFL) & O_NONBLOCK != 0)
            var ready = pollfd(fd: raw, events: Int16(POLLIN), revents: 0)
            #expect(poll(&ready, 1, 5000) == 1, "the timer fired within 5 s")
            #expect(timer.expirations() >= 1)
        }
        #expect(!Self.isOpen(raw))
    }

    @Test func periodicTimerNotYetDueReportsNoExpirationWithoutWaiting() throws {
        // First expiry an hour from now (absolute CLOCK_MONOTONIC): a blocking read would hang the test.
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let hour: UInt64 = 3600 * 1_000_000_000
        let timer = try PeriodicTimer(firstNanoseconds: UInt64(now.tv_sec) * 1_000_000_000 + hour, periodNanoseconds: hour)
        #expect(timer.expirations() == 0)
    }
}
