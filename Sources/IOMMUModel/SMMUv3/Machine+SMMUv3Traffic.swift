/// SMMUv3-only machine entry points: the command queue as the scenario and the host driver use it,
/// and the unit's typed view for the SMMUv3 driver code.
extension Machine {
    /// The SMMUv3, when the machine's IOMMU is one. Setting it replaces the machine's unit.
    public var smmu: SMMUv3Unit? {
        get { iommu as? SMMUv3Unit }
        set { iommu = newValue }
    }

    func requireSMMU() throws(MachineError) -> SMMUv3Unit {
        guard let s = smmu else { throw .notConfigured("no SMMUv3: add `smmu` first") }
        return s
    }

    mutating func smmuCommands(_ commands: [[UInt64]]) throws(MachineError) -> StepOutcome {
        let missing = MachineError.notConfigured("no SMMUv3: add `smmu` first")
        guard iommu == nil || iommu is SMMUv3Unit else { throw missing }
        return try submitQueue(commands, noun: "command", missing: missing)
    }

    /// Runs commands the host's driver issues (the host model's `smmuCommands` action), stopping at the
    /// first ILLEGAL one as the queue does, and returns what each did.
    public mutating func smmuIssueCommands(_ commands: [[UInt64]]) throws(MachineError) -> [QueueEntryResult] {
        // Linux's gerror handler has already skipped a stopped entry (arm_smmu_cmdq_skip_err) before its next batch.
        var earlier: [QueueEntryResult] = []
        if var unit = smmu, unit.commandQueue.stopped {
            earlier = unit.skipCommandError(memory: &memory)
            smmu = unit
        }
        return earlier + (try smmuCommands(commands).queueResults)
    }
}

extension SMMUv3Unit {
    /// Levels and start levels of the translation `req` would take now (for drawing the grid),
    /// read without caches.
    public func walkGeometry(for req: DMARequest, memory: PhysicalMemory) -> (stage1Levels: Int, stage2Levels: Int, stage1Start: Int, stage2Start: Int) {
        var scratch = self
        var trace = WalkTrace()
        guard case .success(let ste) = scratch.readSTE(sid: req.sourceID, memory: memory, trace: &trace, policy: .none) else { return (0, 0, 0, 0) }
        let g2 = ste.config.stage2
        let s2 = (g2?.levels ?? 0, g2?.startLevel ?? 0)
        guard ste.config.kind.translatesStage1, case .success(.cd(let index)) = scratch.substream(ste.config, req),
              case .success(let cd) = scratch.readCD(ste: ste, index: index, req: req, memory: memory, trace: &trace, policy: .none) else {
            return (0, ste.config.kind == .stage2 || ste.config.kind == .nested ? s2.0 : 0, 0, s2.1)
        }
        let upper = (req.address >> 55) & 1 == 1
        guard let g1 = upper ? cd.config.ttb1 : cd.config.ttb0 else { return (0, s2.0, 0, s2.1) }
        return (g1.levels, ste.config.kind == .nested ? s2.0 : 0, g1.startLevel, s2.1)
    }
}
