import Glibc
import ClientMemory
import SystemCalls
import Testing

/// Real memfds and real seals: what the kernel enforces and what Seawall's pool policy accepts.
struct SealsAndMappingsTests {
    @Test func sealedMemfdCarriesShrinkSealAndSize() throws {
        let fd = try Memfd.createSealed(name: "test", size: 8192)
        #expect(try fd.seals().contains(.shrink))
        #expect(try fd.fileSize() == 8192)
        try verifySealedPool(fd, size: 8192)
        try verifySealedPool(fd, size: 100)
    }

    @Test func kernelRefusesShrinkingASealedMemfd() throws {
        let fd = try Memfd.createSealed(name: "test", size: 4096)
        #expect(throws: SystemError.self) { try fd.truncate(to: 1024) }
        #expect(try fd.fileSize() == 4096)
        // Growing is allowed: that is how clients resize windows.
        try fd.truncate(to: 16384)
        #expect(try fd.fileSize() == 16384)
    }

    @Test func unsealedMemfdIsRejectedWithTheReason() throws {
        let fd = try Memfd.create(name: "test", allowSealing: true)
        try fd.truncate(to: 4096)
        #expect(throws: PoolRejection.missingShrinkSeal([])) { try verifySealedPool(fd, size: 4096) }
        do {
            try verifySealedPool(fd, size: 4096)
        } catch {
            #expect(error.description.hasPrefix("pool fd is not sealed with F_SEAL_SHRINK"))
        }
    }

    @Test func memfdWithoutSealingSupportIsRejected() throws {
        let fd = try Memfd.create(name: "test", allowSealing: false)
        try fd.truncate(to: 4096)
        // Such a memfd answers F_GET_SEALS with F_SEAL_SEAL: it can never be sealed.
        #expect(throws: PoolRejection.missingShrinkSeal(.seal)) { try verifySealedPool(fd, size: 4096) }
    }

    @Test func pipeIsNotSealable() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let readEnd = OwnedFD(taking: fds[0])
        let writeEnd = OwnedFD(taking: fds[1])
        _ = writeEnd
        do {
            try verifySealedPool(readEnd, size: 4096)
            Issue.record("a pipe was accepted as a pool")
        } catch {
            guard case .notSealable = error else { Issue.record("unexpected rejection \(error)"); return }
            #expect(error.description.contains("F_SEAL_SHRINK"))
        }
    }

    @Test func poolLargerThanFileIsRejectedWithBothSizes() throws {
        let fd = try Memfd.createSealed(name: "test", size: 4096)
        #expect(throws: PoolRejection.fileTooSmall(poolSize: 8192, fileSize: 4096)) { try verifySealedPool(fd, size: 8192) }
        #expect(PoolRejection.fileTooSmall(poolSize: 8192, fileSize: 4096).description == "pool size 8192 exceeds file size 4096")
        #expect(throws: PoolRejection.invalidSize(0)) { try verifySealedPool(fd, size: 0) }
    }

    @Test func readOnlyMappingSeesWritesAndGrows() throws {
        let fd = try Memfd.createSealed(name: "test", size: 4096)
        var writer = try WritableMapping(fd: fd, count: 4096)
        var reader = try ReadOnlyMapping(fd: fd, count: 4096)
        writer.withMutableBytes { $0[10] = 0xAB }
        #expect(reader.withBytes { $0[10] } == 0xAB)

        try fd.truncate(to: 1 << 20)
        try writer.grow(to: 1 << 20)
        try reader.grow(to: 1 << 20)
        writer.withMutableBytes { $0[(1 << 20) - 1] = 0x5A }
        #expect(reader.count == 1 << 20)
        #expect(reader.withBytes { $0[(1 << 20) - 1] } == 0x5A)
        #expect(reader.withBytes { $0[10] } == 0xAB, "contents survive a remap")
    }

    @Test func writeSealedMemfdCanStillBeMappedReadOnly() throws {
        let fd = try Memfd.createSealed(name: "test", size: 4096, seals: [.shrink, .grow, .write])
        #expect(throws: SystemError.self) { _ = try WritableMapping(fd: fd, count: 4096) }
        let reader = try ReadOnlyMapping(fd: fd, count: 4096)
        #expect(reader.withBytes { $0[0] } == 0)
    }
}

/// libwayland-server formats protocol error messages into 128 bytes; a longer message loses its end.
struct RejectionMessageTests {
    @Test(arguments: [
        PoolRejection.notSealable(errno: EINVAL), .missingShrinkSeal(.seal), .missingShrinkSeal([]),
        .missingShrinkSeal([.grow, .write, .futureWrite]), .fileTooSmall(poolSize: Int64(Int32.max), fileSize: Int64.max),
        .invalidSize(Int64(Int32.min)), .statFailed(errno: EOVERFLOW),
    ])
    func fitsInALibwaylandErrorMessage(rejection: PoolRejection) {
        #expect(rejection.description.utf8.count <= 127, "\(rejection.description.utf8.count) bytes: \(rejection)")
    }
}
