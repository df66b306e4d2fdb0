import ClientMemory
import Glibc
import SystemCalls
import Testing

/// `PoolMemory.accept`, the one decision from a received fd to pool memory, on real memfds: sealed or not,
/// made with MFD_ALLOW_SEALING or without, under each policy.
struct PoolPolicyTests {
    /// A memfd of `size` bytes: sealed with F_SEAL_SHRINK, unsealed but sealable, or made without
    /// MFD_ALLOW_SEALING (it then answers F_GET_SEALS with F_SEAL_SEAL).
    enum Kind { case sealed, sealable, unsealable }

    static func memfd(_ kind: Kind, size: Int64 = 8192) throws -> OwnedFD {
        switch kind {
        case .sealed: return try Memfd.createSealed(name: "policy-test", size: size)
        case .sealable, .unsealable:
            let fd = try Memfd.create(name: "policy-test", allowSealing: kind == .sealable)
            try fd.truncate(to: size)
            return fd
        }
    }

    /// The refusal's message, or nil if the fd was accepted.
    static func refusal(_ kind: Kind, policy: ShmPolicy, size: Int64 = 8192, fileSize: Int64 = 8192) throws -> String? {
        do {
            _ = try PoolMemory.accept(try memfd(kind, size: fileSize), size: size, policy: policy, account: MemoryAccount())
            return nil
        } catch let error as PoolError {
            return error.description
        }
    }

    @Test(arguments: ShmPolicy.allCases)
    func sealedMemfdIsMappedUnderEveryPolicy(policy: ShmPolicy) throws {
        let account = MemoryAccount()
        let pool = try PoolMemory.accept(try Self.memfd(.sealed), size: 4096, policy: policy, account: account)
        #expect(!pool.isCopied)
        #expect(pool.withMappedBytes { $0.count } == 4096)
        #expect(account.pools == 1 && account.poolBytes == 4096)
    }

    @Test func requireRefusesUnsealedMemfdsWithTheReason() throws {
        #expect(try Self.refusal(.sealable, policy: .require)
                == "pool fd is not sealed with F_SEAL_SHRINK (it has no seals); add it with F_ADD_SEALS first")
        #expect(try Self.refusal(.unsealable, policy: .require)
                == "pool fd is not sealed with F_SEAL_SHRINK (it has F_SEAL_SEAL: memfd made without MFD_ALLOW_SEALING?)")
    }

    @Test func autosealSealsASealableMemfdAndMapsIt() throws {
        let fd = try Self.memfd(.sealable)
        let watcher = try fd.duplicate()   // the same file, to look at its seals afterwards
        let pool = try PoolMemory.accept(fd, size: 8192, policy: .autoseal, account: MemoryAccount())
        #expect(!pool.isCopied)
        #expect(try watcher.seals().contains(.shrink))
        #expect(!(try watcher.seals().contains(.seal)), "Seawall adds F_SEAL_SHRINK only")
    }

    @Test func autosealCannotSealAMemfdMadeWithoutSealing() throws {
        #expect(try Self.refusal(.unsealable, policy: .autoseal)
                == "pool fd is not sealed with F_SEAL_SHRINK (it has F_SEAL_SEAL: memfd made without MFD_ALLOW_SEALING?)")
    }

    @Test(arguments: [Kind.sealable, .unsealable])
    func copyKeepsAnUnsealedMemfdUnmapped(kind: Kind) throws {
        let fd = try Self.memfd(kind)
        let watcher = try fd.duplicate()
        let pool = try PoolMemory.accept(fd, size: 8192, policy: .copy, account: MemoryAccount())
        #expect(pool.isCopied)
        #expect(pool.withMappedBytes { _ in 1 } == nil, "a copied pool has no mapping")
        #expect(!(try watcher.seals().contains(.shrink)), "copy does not seal")
    }

    @Test func copyStillRefusesSizesAndNonFiles() throws {
        #expect(try Self.refusal(.sealable, policy: .copy, size: 8192, fileSize: 4096) == "pool size 8192 exceeds file size 4096")
        #expect(try Self.refusal(.sealed, policy: .copy, size: 8192, fileSize: 4096) == "pool size 8192 exceeds file size 4096")
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        let writeEnd = OwnedFD(taking: ends[1])
        _ = writeEnd
        do {
            _ = try PoolMemory.accept(OwnedFD(taking: ends[0]), size: 4096, policy: .copy, account: MemoryAccount())
            Issue.record("a pipe was accepted by the copy policy")
        } catch {
            #expect(error.description == "pool fd is not a file (a pipe); the copy policy reads files with pread")
        }
    }

    @Test func growReChecksTheFileAndCountsTheBytes() throws {
        let fd = try Self.memfd(.sealed, size: 4096)
        let writer = try fd.duplicate()
        let account = MemoryAccount()
        let pool = try PoolMemory.accept(fd, size: 4096, policy: .require, account: account)
        do {
            try pool.grow(to: 8192)
            Issue.record("grew past the end of the file")
        } catch {
            #expect(error.description == "pool size 8192 exceeds file size 4096")
        }
        #expect(pool.size == 4096 && account.poolBytes == 4096)
        try writer.truncate(to: 8192)
        try pool.grow(to: 8192)
        #expect(pool.size == 8192 && account.poolBytes == 8192)
        #expect(pool.withMappedBytes { $0.count } == 8192)
    }

    @Test func accountGivesBackWhatDeadPoolsAndCopiesHeld() throws {
        let account = MemoryAccount()
        do {
            let pool = try PoolMemory.accept(try Self.memfd(.sealable), size: 8192, policy: .copy, account: account)
            let copy = PixelCopy(width: 16, height: 8, account: account)
            #expect(account.pools == 1 && account.poolBytes == 8192 && account.copyBytes == 16 * 8 * 4)
            _ = (pool, copy)
        }
        #expect(account.pools == 0 && account.poolBytes == 0 && account.copyBytes == 0)
    }
}
