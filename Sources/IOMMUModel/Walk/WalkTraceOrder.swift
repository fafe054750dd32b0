/// Read order: where a reference falls in the sequence the hardware made them (issue 17: teachers
/// step through the reads one at a time, and every front end numbers them the same way).
extension WalkTrace {
    /// The 1-based place of `r` in this translation's references (nil: not one of them).
    public func order(of r: MemoryReference) -> Int? {
        let span = storage.span
        for i in 0..<count where span[i] == r { return i + 1 }
        return nil
    }
}
