/// Sparse, page-granular physical memory holding the real encoded structures: 512 little-endian
/// qwords per 4 KiB page, looked up by frame number. Unbacked memory reads as zero. Pages are
/// shared copy-on-write between snapshots, so a checkpoint per step copies only the page list.
public struct PhysicalMemory: @unchecked Sendable {
    /// One 4 KiB page. Reads go through `pointers`; the object only owns the storage.
    @usableFromInline final class Page {
        let words: UnsafeMutablePointer<UInt64>
        init() {
            words = .allocate(capacity: 512)
            words.initialize(repeating: 0, count: 512)
        }
        init(copying other: Page) {
            words = .allocate(capacity: 512)
            words.initialize(from: other.words, count: 512)
        }
        deinit { words.deallocate() }
    }

    @usableFromInline var index = FrameIndex()
    @usableFromInline var pages: [Page] = []
    @usableFromInline var pointers: [UnsafeMutablePointer<UInt64>] = []
    @usableFromInline var frameOfSlot: [UInt64] = []
    /// Per page, the `writeStamp` of its last write: a front end stamps writes with its step number
    /// and can say which step last changed a table (4 bytes a page, not a log per qword).
    @usableFromInline var stamps: [UInt32] = []
    /// The stamp the next writes carry.
    public var writeStamp: UInt32 = 0
    /// Number of qword writes ever made: equal counts mean memory has not changed in between.
    public private(set) var writeCount: UInt64 = 0
    /// Highest page count allowed, so a runaway scenario gets an error instead of exhausting memory.
    public var pageLimit: Int
    /// Old values of the qwords written since `beginJournal`, so a command that fails half-way can be
    /// undone in place instead of keeping a copy of all memory (which made every table write copy the
    /// page list: quadratic over a long scenario).
    var journal: MemoryJournal?

    public init(pageLimit: Int = 1 << 21) { self.pageLimit = pageLimit }

    /// The qword at `address` (aligned down to 8 bytes).
    @inlinable @inline(__always)
    public func read64(_ address: UInt64) -> UInt64 {
        let slot = index.find(address >> 12)
        if slot < 0 { return 0 }
        return pointers.withUnsafeBufferPointer { $0[Int(slot)][Int((address >> 3) & 511)] }
    }

    /// Stores a qword at `address` (aligned down to 8 bytes), backing the page on first write.
    public mutating func write64(_ address: UInt64, _ value: UInt64) throws(MemoryError) {
        let slot = try writableSlot(frame: address >> 12)
        let word = Int((address >> 3) & 511)
        if journal != nil { journal?.record(slot: slot, word: word, old: pointers[slot][word], stamp: stamps[slot]) }
        pointers[slot][word] = value
        stamps[slot] = writeStamp
        writeCount &+= 1
    }

    /// `count` qwords starting at `address` (a structure such as a 512-bit PASID entry).
    public func read(_ address: UInt64, count: Int) -> [UInt64] {
        (0..<count).map { read64(address &+ UInt64($0 * 8)) }
    }

    public mutating func write(_ address: UInt64, _ words: [UInt64]) throws(MemoryError) {
        for (i, w) in words.enumerated() { try write64(address &+ UInt64(i * 8), w) }
    }

    /// The stamp of the last write to the page holding `address` (nil when never written).
    public func lastWriteStamp(_ address: UInt64) -> UInt32? {
        let slot = index.find(address >> 12)
        return slot < 0 ? nil : stamps[Int(slot)]
    }

    /// True when the page holding `address` has been written.
    public func isBacked(_ address: UInt64) -> Bool { index.find(address >> 12) >= 0 }

    /// Number of backed 4 KiB pages.
    public var pageCount: Int { pages.count }

    /// Backed frame numbers, ascending.
    public var frames: [UInt64] { frameOfSlot.sorted() }

    /// Bytes the model spends to hold this memory (pages plus index), for the memory budget.
    public var footprint: Int { pages.count * (4096 + 48 + 4) + index.footprint + frameOfSlot.count * 8 }

    /// Starts recording old values; `rollBackJournal` restores them, `endJournal` forgets them.
    public mutating func beginJournal() {
        journal = MemoryJournal(pageCount: pages.count, writeCount: writeCount)
    }

    /// Forgets the recorded old values: the writes since `beginJournal` stay.
    public mutating func endJournal() { journal = nil }

    /// Undoes every write since `beginJournal` (newest first) and drops the pages it backed.
    public mutating func rollBackJournal() {
        guard let j = journal else { return }
        journal = nil
        for e in j.entries.reversed() {
            pointers[Int(e.slot)][Int(e.word)] = e.old
            stamps[Int(e.slot)] = e.stamp
        }
        while pages.count > j.pageCount {
            index.remove(frameOfSlot.removeLast())
            pages.removeLast()
            pointers.removeLast()
            stamps.removeLast()
        }
        writeCount = j.writeCount
    }

    private mutating func writableSlot(frame: UInt64) throws(MemoryError) -> Int {
        let found = index.find(frame)
        if found >= 0 {
            let s = Int(found)
            if !isKnownUniquelyReferenced(&pages[s]) {
                let copy = Page(copying: pages[s])
                pages[s] = copy
                pointers[s] = copy.words
            }
            return s
        }
        guard pages.count < pageLimit else { throw .limitReached(pages: pageLimit) }
        let page = Page()
        pages.append(page)
        pointers.append(page.words)
        frameOfSlot.append(frame)
        stamps.append(writeStamp)
        index.insert(frame, Int32(pages.count - 1))
        return pages.count - 1
    }
}

/// What `rollBackJournal` needs: each overwritten qword's old value and page stamp, and the sizes to return to.
struct MemoryJournal: Sendable {
    struct Entry: Sendable {
        var slot: Int32
        var word: UInt16
        var stamp: UInt32
        var old: UInt64
    }
    var entries: [Entry] = []
    let pageCount: Int
    let writeCount: UInt64

    init(pageCount: Int, writeCount: UInt64) {
        self.pageCount = pageCount
        self.writeCount = writeCount
    }

    mutating func record(slot: Int, word: Int, old: UInt64, stamp: UInt32) {
        entries.append(Entry(slot: Int32(slot), word: UInt16(word), stamp: stamp, old: old))
    }
}

public enum MemoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case limitReached(pages: Int)
    case outOfFrames(region: String)
    public var description: String {
        switch self {
        case .limitReached(let p): return "model memory limit reached (\(p) pages of 4 KiB); raise it or map less"
        case .outOfFrames(let r): return "no free frames left in \(r)"
        }
    }
}
