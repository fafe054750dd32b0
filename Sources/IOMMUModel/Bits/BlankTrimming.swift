/// Trims spaces and tabs (and, if asked, carriage returns) in one pass over the UTF-8 bytes: a
/// `dropLast` per blank was quadratic on long blank runs (issue 20).
extension Substring {
    public func blankTrimmed(includingCarriageReturn cr: Bool = false) -> Substring {
        let bytes = utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, Substring.isBlank(bytes[start], cr) { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            guard Substring.isBlank(bytes[before], cr) else { break }
            end = before
        }
        return self[start..<end]
    }

    static func isBlank(_ b: UInt8, _ cr: Bool) -> Bool { b == 0x20 || b == 0x09 || (cr && b == 0x0d) }
}
