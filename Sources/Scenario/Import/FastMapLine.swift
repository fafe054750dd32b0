#if canImport(Glibc)
import Glibc
#endif

/// The common case of a large trace, `iommu:map`/`iommu:unmap` ftrace lines in either form
/// (trace_formats.md §1.2), read straight from the UTF-8 bytes: the general path splits and compares
/// Characters, which costs ten times more per line (issue 19). Anything unusual (quotes, `dev=`,
/// a range end that is not iova + size, a wrapped line) returns nil and takes the general path.
enum FastMapLine {
    /// Made once: an array literal here per line was a heap allocation per line.
    static let key: [UInt8] = Array("IOMMU: iova=0x".utf8)

    static func parse(_ raw: RawLine) -> TraceRecord? {
        var text = raw.text
        return text.withUTF8 { parse($0, line: raw.number, text: raw.text) }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, line: Int, text: String) -> TraceRecord? {
        guard let at = find(FastMapLine.key, in: b) else { return nil }
        // The event token before it: "map:" or "unmap:", after the framing's "secs:" or at the start.
        var e = at
        guard e >= 1, b[e - 1] == 0x20 else { return nil }
        e -= 1
        let isUnmap: Bool
        if e >= 6, matches(b, e - 6, "unmap:") { isUnmap = true; e -= 6 } else if e >= 4, matches(b, e - 4, "map:") { isUnmap = false; e -= 4 } else { return nil }
        if isUnmap == false, e >= 2, matches(b, e - 2, "un") { return nil }
        var p = e
        while p > 0, b[p - 1] == 0x20 || b[p - 1] == 0x09 { p -= 1 }
        if p > 0 && b[p - 1] != 0x3a { return nil }
        if p > 0 && e == p { return nil }       // "x:map:" glued: the general path decides
        // Quoted, commented or prompted lines are the general path's (MailText).
        var first = 0
        while first < b.count, b[first] == 0x20 || b[first] == 0x09 { first += 1 }
        if first < b.count, b[first] == 0x3e || b[first] == 0x7c || b[first] == 0x23 { return nil }
        var i = at + key.count
        guard let iova = hex(b, &i), blanks(b, &i) else { return nil }
        var end: UInt64? = nil
        if i < b.count, b[i] == 0x2d {              // " - 0x<end> "
            i += 1
            guard blanks(b, &i), literal(b, &i, "0x"), let v = hex(b, &i), blanks(b, &i) else { return nil }
            end = v
        }
        let record: TraceRecord.Body
        if isUnmap {
            guard literal(b, &i, "size="), let size = decimal(b, &i), blanks(b, &i) else { return nil }
            guard literal(b, &i, "unmapped_size="), let unmapped = decimal(b, &i) else { return nil }
            if let end, end != iova &+ size { return nil }
            record = .unmap(iova: iova, size: size, unmapped: unmapped, device: nil, form: end == nil ? .old : .range)
        } else {
            guard literal(b, &i, "paddr=0x"), let paddr = hex(b, &i), blanks(b, &i) else { return nil }
            guard literal(b, &i, "size="), let size = decimal(b, &i) else { return nil }
            if let end, end != iova &+ size { return nil }
            record = .map(iova: iova, paddr: paddr, size: size, device: nil, form: end == nil ? .old : .range)
        }
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0d { i += 1 }
        guard i == b.count else { return nil }
        // The text as the general path keeps it: without the blanks around it.
        var s = 0, t = b.count
        while s < t, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
        while t > s, b[t - 1] == 0x20 || b[t - 1] == 0x09 || b[t - 1] == 0x0d { t -= 1 }
        let kept = s == 0 && t == b.count ? text : String(decoding: UnsafeBufferPointer(rebasing: b[s..<t]), as: UTF8.self)
        return TraceRecord(line: line, text: kept, record)
    }

    static func find(_ key: [UInt8], in b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count >= key.count, let base = b.baseAddress else { return nil }
        // memchr for the first byte, memcmp for the rest (Glibc's Swift module has no memmem).
        return key.withUnsafeBufferPointer { k -> Int? in
            guard let kb = k.baseAddress else { return nil }
            var i = 0
            let last = b.count - k.count
            while i <= last {
                guard let hit = memchr(base + i, Int32(kb[0]), last - i + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, kb, k.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }

    static func matches(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard at >= 0, at + n <= b.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where b[at + k] != p[k] { return false }
        return true
    }

    static func literal(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ s: StaticString) -> Bool {
        guard matches(b, i, s) else { return false }
        i += s.utf8CodeUnitCount
        return true
    }

    /// Skips a run of blanks; false when there is none (the general path needs a word break there).
    static func blanks(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        let start = i
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        return i > start
    }

    /// 1-16 hex digits.
    static func hex(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt64? {
        var v: UInt64 = 0
        let start = i
        while i < b.count {
            let c = b[i]
            let d: UInt64
            switch c {
            case 0x30...0x39: d = UInt64(c - 0x30)
            case 0x61...0x66: d = UInt64(c - 0x61 + 10)
            case 0x41...0x46: d = UInt64(c - 0x41 + 10)
            default: return i > start && i - start <= 16 ? v : nil
            }
            guard i - start < 16 else { return nil }
            v = v << 4 | d
            i += 1
        }
        return i > start ? v : nil
    }

    /// Decimal digits that fit 64 bits.
    static func decimal(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt64? {
        var v: UInt64 = 0
        let start = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b[i] - 0x30))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        return i > start ? v : nil
    }
}
