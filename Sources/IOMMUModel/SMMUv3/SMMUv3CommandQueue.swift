/// The command queue's error state (SMMUv3 7.1 "Command queue errors"; SMMU_CMDQ_CONS.ERR,
/// SMMU_GERROR.CMDQ_ERR, SMMU_GERRORN): an ILLEGAL command stops consumption at itself, CONS stays
/// on it, and nothing behind it runs until software acknowledges; consumption then resumes at CONS.
public struct SMMUv3CommandQueueState: Sendable, Equatable {
    /// CMDQ_CONS.ERR of the stop; nil while the queue runs (GERROR.CMDQ_ERR == GERRORN.CMDQ_ERR).
    public var error: SMMUv3CommandError?
    /// The entries from CONS (the refused one first) up to PROD.
    public var waiting: [[UInt64]] = []
    /// Entries the modelled queue holds (SMMU_CMDQ_BASE.LOG2SIZE = 16 at most); PROD cannot pass CONS.
    public static let capacity = 1 << 16

    public var stopped: Bool { error != nil }
}

extension SMMUv3Unit {
    /// Consumes `entries` in order. Once an entry is refused the queue keeps the error state: that
    /// entry and every later one (from this and later batches) wait, and none of them runs. Every
    /// entry gets a result: what it did, the refusal, or that it waits behind CONS (SMMUv3 7.1).
    public mutating func submitBatch(_ entries: [[UInt64]], memory: inout PhysicalMemory) -> [QueueEntryResult] {
        if let e = commandQueue.error {
            let room = max(0, SMMUv3CommandQueueState.capacity - commandQueue.waiting.count)
            let ahead = commandQueue.waiting.count
            commandQueue.waiting += entries.prefix(room)
            return entries.enumerated().map { i, words in
                i < room ? waitingResult(words, behind: e, ahead: ahead + i)
                         : QueueEntryResult(decoded: nil, summary: SMMUv3Unit.commandSummary(words).1,
                                            error: .waiting(code: e.code, message: "not written: the queue is full (PROD cannot pass CONS)"))
            }
        }
        var results: [QueueEntryResult] = []
        for (i, e) in entries.enumerated() {
            let r = submit(e, memory: &memory)
            results.append(r)
            if !r.accepted {
                commandQueue.error = commandErrors.last
                commandQueue.waiting = Array(entries[i...].prefix(SMMUv3CommandQueueState.capacity))
                if let err = commandQueue.error {
                    for (k, later) in entries[(i + 1)...].enumerated() { results.append(waitingResult(later, behind: err, ahead: k + 1)) }
                }
                break
            }
        }
        return results
    }

    /// The result of an entry the stopped queue holds but does not consume: CONS stays at the refused
    /// entry, `ahead` entries before this one (SMMUv3 7.1; CMDQ_CONS.ERR holds the refusal's code).
    func waitingResult(_ words: [UInt64], behind e: SMMUv3CommandError, ahead: Int) -> QueueEntryResult {
        let (decoded, summary) = SMMUv3Unit.commandSummary(words)
        return QueueEntryResult(decoded: decoded, summary: summary, error: .waiting(
            code: e.code, message: "the queue stopped at an ILLEGAL command \(ahead) entr\(ahead == 1 ? "y" : "ies") ahead (CMDQ_CONS.ERR = \(e.name)); CONS stays there and nothing behind it is consumed until software acknowledges (SMMU_GERRORN)",
            consequences: ["`cmd ack` resumes at the refused entry (it fails again unless rewritten); `cmd skip-err` does what Linux's arm_smmu_cmdq_skip_err does"]))
    }

    /// A command decoded with its field table and named in one line, without running it.
    static func commandSummary(_ input: [UInt64]) -> (DecodedStructure?, String) {
        var words = Array(input.prefix(2))
        if words.count < 2 { words += [UInt64](repeating: 0, count: 2 - words.count) }
        let op = SMMUv3CommandFields.opcode.value(in: words)
        guard let layout = try? SMMUv3CommandFormat.layout(for: words) else { return (nil, "opcode \(SMMUv3Opcode.describe(op))") }
        let decoded = layout.decode(words)
        return (decoded, SMMUv3Unit.summary(of: decoded, name: SMMUv3Opcode.names[op] ?? hex2(op)))
    }

    /// Software toggles GERRORN.CMDQ_ERR: consumption resumes at CONS, so an entry left unchanged is
    /// refused again (SMMUv3 7.1). Returns what the resumed entries did; empty when nothing was stopped.
    public mutating func acknowledgeCommandError(memory: inout PhysicalMemory) -> [QueueEntryResult] {
        guard commandQueue.error != nil else { return [] }
        commandQueue.error = nil
        let resumed = commandQueue.waiting
        commandQueue.waiting = []
        return resumed.isEmpty ? [] : submitBatch(resumed, memory: &memory)
    }

    /// Linux's recovery (arm-smmu-v3.c `__arm_smmu_cmdq_skip_err`, then the GERRORN write in
    /// `arm_smmu_gerror_handler`): for CERROR_ILL the entry at CONS is overwritten with a CMD_SYNC and the
    /// rest runs; for CERROR_ABT (command fetch abort) and CERROR_ATC_INV_SYNC (the CMD_SYNC after a
    /// failed ATC invalidation) Linux rewrites nothing and consumption retries the same entry.
    public mutating func skipCommandError(memory: inout PhysicalMemory) -> [QueueEntryResult] {
        guard let e = commandQueue.error, !commandQueue.waiting.isEmpty else { return [] }
        if e.code == 1 { commandQueue.waiting[0] = SMMUv3HostCommands.sync() }
        return acknowledgeCommandError(memory: &memory)
    }
}

extension Machine {
    /// `cmd ack` (GERRORN) and `cmd skip-err` (Linux): resume a stopped command queue.
    mutating func smmuResumeQueue(skip: Bool) throws(MachineError) -> StepOutcome {
        guard var unit = smmu else { throw .notConfigured("no SMMUv3: add `smmu` first") }
        guard unit.commandQueue.stopped else {
            return StepOutcome(.error, "the command queue is not stopped (CMDQ_CONS.ERR is clear): nothing to acknowledge")
        }
        let bad = unit.commandQueue.waiting.first.map { $0.map(hex).joined(separator: " ") } ?? "-"
        let replaced = unit.commandQueue.error?.code == 1
        let results = skip ? unit.skipCommandError(memory: &memory) : unit.acknowledgeCommandError(memory: &memory)
        let stillStopped = unit.commandQueue.stopped
        smmu = unit
        session.lastQueueResults = results
        var out = StepOutcome(stillStopped ? .refused : .ok, queue: results)
        out.extraDetails.insert(skip && replaced ? "arm_smmu_cmdq_skip_err: the refused entry (\(bad)) became a CMD_SYNC; GERRORN acknowledged"
                                : skip ? "arm_smmu_cmdq_skip_err rewrites nothing for this error: GERRORN acknowledged, CONS (\(bad)) retried"
                                : "GERRORN acknowledged: consumption resumed at CONS (\(bad))", at: 0)
        return out
    }
}
