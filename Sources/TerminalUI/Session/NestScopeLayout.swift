/// Where NestScope's six panes and the note box go at each terminal size (design.md's sketch):
/// - wide (≥ 180×40): PASID entries and the walk across the top; caches over the note, the log
///   over locked_vm, and the decoder, side by side below (the log wider, the decoder wider when focused);
/// - medium (≥ 110×30, the sketch at 120×40): PASID entries, caches and the note on the left; the
///   walk, locked_vm and the log on the right; the decoder, when focused, takes the walk's place;
/// - narrow (80×24 and up): the focused pane under the pane switcher, the note below it.
/// Pane indices: 0 PASID, 1 walk, 2 caches, 3 locked_vm, 4 log, 5 decoder; aside 0 is the note.
public enum NestScopeLayout {
    /// What the layout asks of the content: rows the note and locked_vm want (interior).
    public struct Wants {
        public var noteRows: (Int) -> Int
        public var lockedRows: Int
        /// Rows locked_vm wants at an interior width (its lines wrap); `lockedRows` when nil.
        public var lockedRowsAt: ((Int) -> Int)?
        /// The walk pane has nothing to draw while locked_vm has content (a host-only scenario):
        /// locked_vm may take the walk's rows down to its minimum.
        public var walkIdle: Bool
        public init(noteRows: @escaping (Int) -> Int, lockedRows: Int, lockedRowsAt: ((Int) -> Int)? = nil, walkIdle: Bool = false) {
            self.noteRows = noteRows; self.lockedRows = lockedRows; self.lockedRowsAt = lockedRowsAt; self.walkIdle = walkIdle
        }

        func locked(width: Int) -> Int { lockedRowsAt?(width) ?? lockedRows }
    }

    public enum Kind: Equatable, Sendable { case narrow, medium, wide }

    public static func kind(for body: Rect) -> Kind {
        if body.width >= 180 && body.height >= 38 { return .wide }
        if body.width >= 110 && body.height >= 28 { return .medium }
        return .narrow
    }

    public static func arrange(body: Rect, focused: Int, wants: Wants) -> PaneArrangement {
        typealias F = PaneArrangement.Frame
        func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { max(lo, min(hi, v)) }
        switch kind(for: body) {
        case .wide:
            let (left, right) = body.splitLeft(body.width * 36 / 100)
            let topHeight = clamp(body.height / 4, 12, 15)
            let (pasid, leftRest) = left.splitTop(topHeight)
            let (walk, rightRest) = right.splitTop(topHeight)
            let noteHeight = clamp(wants.noteRows(left.width - 2) + 2, 5, leftRest.height / 3)
            let (caches, note) = leftRest.splitBottom(noteHeight)
            // The log's lines are long (statement, outcome, status): it gets the width unless the decoder is in use.
            let cols = rightRest.columns(weights: focused == 5 ? [40, 60] : [70, 30])
            let lockedHeight = clamp(wants.locked(width: cols[0].width - 4) + 2, 3, cols[0].height / 3)
            let (log, locked) = cols[0].splitBottom(lockedHeight)
            return PaneArrangement(frames: [F(index: 0, rect: pasid), F(index: 1, rect: walk), F(index: 2, rect: caches),
                                            F(index: 3, rect: locked), F(index: 4, rect: log), F(index: 5, rect: cols[1])],
                                   asides: [F(index: 0, rect: note)])
        case .medium:
            let (left, right) = body.splitLeft(body.width * 45 / 100)
            let noteHeight = clamp(wants.noteRows(left.width - 2) + 2, 5, left.height / 3)
            let (leftTop, note) = left.splitBottom(noteHeight)
            let (pasid, caches) = leftTop.splitTop(clamp(leftTop.height / 3, 6, 10))
            var walkHeight = clamp(right.height * 36 / 100, 8, 15)
            let lockedRows = wants.locked(width: right.width - 4)
            var lockedHeight = clamp(lockedRows + 2, 3, 8)
            let (upper, log) = right.splitTop(walkHeight + lockedHeight)
            if wants.walkIdle {
                // The same rows, shared the other way: the log keeps its size.
                lockedHeight = clamp(lockedRows + 2, lockedHeight, upper.height - 5)
                walkHeight = upper.height - lockedHeight
            }
            var frames = [F(index: 0, rect: pasid), F(index: 2, rect: caches), F(index: 4, rect: log)]
            if focused == 5 {
                frames.append(F(index: 5, rect: upper))          // the decoder takes the walk's place while focused
            } else {
                let (walk, locked) = upper.splitTop(walkHeight)
                frames += [F(index: 1, rect: walk), F(index: 3, rect: locked)]
            }
            return PaneArrangement(frames: frames.sorted { $0.index < $1.index }, asides: [F(index: 0, rect: note)])
        case .narrow:
            let (bar, rest) = body.splitTop(1)
            let noteHeight = clamp(wants.noteRows(rest.width - 2) + 2, 4, rest.height / 3)
            let (pane, note) = rest.splitBottom(noteHeight)
            return PaneArrangement(frames: [F(index: max(0, min(5, focused)), rect: pane)], switcher: bar,
                                   asides: [F(index: 0, rect: note)])
        }
    }
}
