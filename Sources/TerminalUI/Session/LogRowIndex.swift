import Scenario

/// The log pane's rows — a title row for each applied step that has a title (or no commands),
/// then one row per log entry — kept in step with the session incrementally, so stepping costs
/// the rows of one step, not of the whole log (a replayed scenario can have a million).
struct LogRowIndex {
    enum Row: Equatable {
        /// The title row of step `step` (1-based).
        case title(step: Int)
        /// Log entry `index`.
        case entry(index: Int)
    }

    private(set) var rows: [Row] = []
    /// rows.count after each applied step; `ends[0]` = 0.
    private var ends: [Int] = [0]
    /// log.count after each applied step.
    private var logEnds: [Int] = [0]

    var position: Int { ends.count - 1 }

    /// Drops the rows of steps after `position`.
    mutating func truncate(to position: Int) {
        let p = max(0, min(position, self.position))
        rows.removeLast(rows.count - ends[p])
        ends.removeLast(ends.count - p - 1)
        logEnds.removeLast(logEnds.count - p - 1)
    }

    /// Brings the rows up to the session's position (truncating first when it went back).
    mutating func sync(position: Int, steps: [ScenarioStep], log: [LogEntry]) {
        if position < self.position { truncate(to: position) }
        var logIndex = logEnds.last ?? 0
        while self.position < position {
            let step = self.position + 1
            let start = logIndex
            while logIndex < log.count && log[logIndex].step == step { logIndex += 1 }
            let s = step <= steps.count ? steps[step - 1] : nil
            if s?.title != nil || logIndex == start { rows.append(.title(step: step)) }
            for i in start..<logIndex { rows.append(.entry(index: i)) }
            ends.append(rows.count)
            logEnds.append(logIndex)
        }
    }

    /// The rows of step `step` (1-based).
    func rows(ofStep step: Int) -> Range<Int> {
        guard step >= 1 && step <= position else { return 0..<0 }
        return ends[step - 1]..<ends[step]
    }
}
