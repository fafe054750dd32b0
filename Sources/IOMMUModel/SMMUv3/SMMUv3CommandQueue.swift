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
    /// entry and every later one (from this and later batches) wait, and none of them runs.
    public mutating func submitBatch(_ entries: [[UInt64]], memory: inout PhysicalMemory) -> [QueueEntryResult] {
        if let e = commandQueue.error {
            let room = max(0, SMMUv3CommandQueueState.capacity - commandQueue.waiting.count)
            commandQueue.waiting += entries.prefix(room)
            let full = entries.count > room ? "; the queue is full, \(entries.count - room) could not be written" : ""
            let waiting = "\(commandQueue.waiting.count) entries wait from CONS (the refused one first)\(full)"
            return [QueueEntryResult(decoded: nil, summary: "\(entries.count) command(s) written behind a stopped queue",
                                     error: QueueError(name: e.name, code: e.code,
                                                       message: "the queue stopped at an earlier ILLEGAL command and consumes nothing until software acknowledges (SMMU_GERRORN)",
                                                       consequences: [waiting, "`cmd ack` acknowledges (the refused entry runs again); `cmd skip-err` does what Linux's arm_smmu_cmdq_skip_err does"]))]
        }
        var results: [QueueEntryResult] = []
        for (i, e) in entries.enumerated() {
            let r = submit(e, memory: &memory)
            results.append(r)
            if !r.accepted {
                commandQueue.error = commandErrors.last
                commandQueue.waiting = Array(entries[i...].prefix(SMMUv3CommandQueueState.capacity))
                break
            }
        }
        return results
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

    /// Linux's recovery (arm-smmu-v3.c `__arm_smmu_cmdq_skip_err` for CERROR_ILL, then the GERRORN
    /// write in `arm_smmu_gerror_handler`): the entry at CONS is overwritten with a CMD_SYNC, the rest runs.
    public mutating func skipCommandError(memory: inout PhysicalMemory) -> [QueueEntryResult] {
        guard commandQueue.error != nil, !commandQueue.waiting.isEmpty else { return [] }
        commandQueue.waiting[0] = SMMUv3HostCommands.sync()
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
        let results = skip ? unit.skipCommandError(memory: &memory) : unit.acknowledgeCommandError(memory: &memory)
        let stillStopped = unit.commandQueue.stopped
        smmu = unit
        session.lastQueueResults = results
        var out = StepOutcome(stillStopped ? .refused : .ok, queue: results)
        out.extraDetails.insert(skip ? "arm_smmu_cmdq_skip_err: the refused entry (\(bad)) became a CMD_SYNC; GERRORN acknowledged"
                                     : "GERRORN acknowledged: consumption resumed at CONS (\(bad))", at: 0)
        return out
    }
}
