/// Deterministic host physical memory: frames are handed out in address order, aligned to their
/// size, from two pools — user memory (first touch of a process page) and kernel allocations (TCE
/// tables). No frame is ever reused, so an address in a log stays unambiguous.
public struct HostFrameAllocator: Sendable, Equatable {
    /// User memory starts at 4 GiB.
    public static let userBase: UInt64 = 0x1_0000_0000
    /// Kernel allocations (TCE levels, userspace views) start at 2 GiB.
    public static let kernelBase: UInt64 = 0x8000_0000

    public private(set) var nextUser: UInt64 = userBase
    public private(set) var nextKernel: UInt64 = kernelBase

    public init() {}

    /// A user frame of 1 << `shift` bytes.
    public mutating func allocateUser(shift: Int) -> UInt64 {
        let size = UInt64(1) << UInt64(shift)
        let a = (nextUser + size - 1) & ~(size - 1)
        nextUser = a + size
        return a
    }

    /// `count` user frames of 1 << `shift` bytes, contiguous: what `count` calls of `allocateUser`
    /// in a row hand out, in one step (nil when the pool would run past 2^64).
    public mutating func allocateUserRun(shift: Int, count: UInt64) -> UInt64? {
        guard let size = Checked.power(shift), let total = Checked.multiply(size, count),
              let a = Checked.alignUp(nextUser, to: size), let next = Checked.add(a, total) else { return nil }
        nextUser = next
        return a
    }

    /// A kernel allocation of `bytes`, aligned to its own size rounded up to a power of two.
    public mutating func allocateKernel(bytes: UInt64) -> UInt64 {
        var align: UInt64 = 0x1000
        while align < bytes { align <<= 1 }
        let a = (nextKernel + align - 1) & ~(align - 1)
        nextKernel = a + bytes
        return a
    }
}
