/// The whole modelled machine, composed of its roles: the hardware (memory, the IOMMU, devices), the
/// table builder (named page tables and their frame pools), the host/kernel model, and the session
/// record. The per-architecture drivers that write entries are `DriverCommand`s in the vendor
/// folders. A value type: copying it is a snapshot, and the same commands always give the same
/// state; public mutation goes only through `apply`, so undo and `check` see everything.
public struct Machine: Sendable {
    /// Memory, the one IOMMU and the devices; only commands change it.
    public internal(set) var hardware = Hardware()
    /// The named page tables and the frames they use; only commands change it.
    public internal(set) var tables = TableBuilder()
    /// What the steps so far did (the session record: step count, change log, last DMA and queue
    /// batch, stale uses, narration, failed expectations); only commands change it.
    public internal(set) var session = SessionRecord()
    /// The kernel side: the host above the IOMMUs (processes, VFIO containers, iommufd) and the
    /// names and domain tables linking it to the unit; changed only by `HostCommand`s (Machine+Host).
    public internal(set) var hostModel = HostModel()
    /// The host objects (`hostModel.host`), for the views.
    public var host: HostState { hostModel.host }
    /// The names and domain tables linking the host to the unit (`hostModel.links`), for the views.
    public var hostLinks: HostLinks { hostModel.links }

    /// The step number a front end shows (`SessionRecord.storyStep`).
    public var storyStep: Int? {
        get { session.storyStep }
        set { session.storyStep = newValue }
    }

    /// Bounds that turn runaway input into a clear error instead of exhausting memory or time.
    public var limits = MachineLimits()

    public init() {}

    public init(limits: MachineLimits) {
        self.limits = limits
        hardware.memory.pageLimit = limits.memoryPages
    }

    /// Sets the narration of the current step without applying a command.
    public mutating func narrate(_ text: String?) { session.narrate(text) }

    /// Applies one command. On a thrown error nothing changes: commands validate before they write,
    /// and the few that allocate as they go (map, attach) keep a copy to restore.
    @discardableResult
    public mutating func apply(_ command: MachineCommand) throws(MachineError) -> StepOutcome {
        let outcome: StepOutcome
        hardware.memory.writeStamp = UInt32(truncatingIfNeeded: session.historyStep)
        if command.writesTables {
            // Memory and the named spaces, which grow with the scenario, are undone from journals; the
            // copy kept to restore everything else must not hold them, or every write would copy them
            // (quadratic over a long scenario). The copy also ends before describeChange.
            do {
                var before = self
                before.hardware.memory = PhysicalMemory()
                before.tables.spaces = [:]
                hardware.memory.beginJournal()
                tables.journal = []
                do { outcome = try perform(command) } catch {
                    var undoneMemory = hardware.memory, undoneTables = tables
                    undoneMemory.rollBackJournal()
                    undoneTables.rollBack()
                    self = before
                    hardware.memory = undoneMemory
                    tables.spaces = undoneTables.spaces
                    throw error
                }
                hardware.memory.endJournal()
                tables.journal = []
            }
            session.describeChange(outcome.summary)
        } else {
            outcome = try perform(command)
        }
        hardware.noteCachesAgree()
        session.commandApplied()
        return outcome
    }

    mutating func perform(_ command: MachineCommand) throws(MachineError) -> StepOutcome {
        switch command {
        case .note(let text):
            session.narrate(text)
            return StepOutcome(.ok, "note")
        case .driver(let d): return try d.command.perform(on: &self)
        case .addDevice(let d): return try hardware.addDevice(d)
        case .createSpace(let name, let format, let levels, let backing, let root):
            return try createSpace(name: name, format: format, levels: levels, backing: backing, root: root)
        case .guestTablePool(let s2, let base, let size): return try tables.setGuestPool(stage2: s2, base: base, size: size)
        case .map(let space, let input, let output, let size, let perms, let pageSize):
            return try map(space: space, input: input, output: output, size: size, perms: perms, pageSize: pageSize)
        case .unmap(let space, let input, let size): return try unmap(space: space, input: input, size: size)
        case .setEntry(let space, let input, let level, let value):
            return try tables.setEntry(space: space, input: input, level: level, value: value, memory: &hardware.memory)
        case .writeMemory(let address, let value, let through): return try writeMemory(address: address, value: value, through: through)
        case .dma(let device, let pasid, let address, let access, let privileged):
            return try dma(device: device, pasid: pasid, address: address, access: access, privileged: privileged)
        case .queue(let entries): return try submitQueue(entries, noun: architecture?.queueEntryNoun ?? "entry", missing: Machine.noIOMMU)
        case .setCacheCapacity(let cache, let entries): return try setCacheCapacity(cache: cache, entries: entries)
        case .expect(let e): return try expect(e)
        case .host(let c): return try applyHost(c)
        }
    }

    // MARK: the roles' state, for the views and the drivers

    public internal(set) var memory: PhysicalMemory {
        get { hardware.memory }
        _modify { yield &hardware.memory }
    }
    /// Everything outside an architecture's folder reaches the unit through the `IOMMU` protocol.
    public internal(set) var iommu: (any IOMMU)? {
        get { hardware.iommu }
        _modify { yield &hardware.iommu }
    }
    public var devices: [Device] { hardware.devices }
    public var architecture: IOMMUArchitecture? { hardware.architecture }
    var cachesEmpty: Bool { hardware.cachesEmpty }
    var cachesMatchMemoryAt: UInt64 { hardware.cachesMatchMemoryAt }

    public func device(named name: String) throws(MachineError) -> Device { try hardware.device(named: name) }

    // MARK: memory writes with history

    /// Writes a qword of host memory, stamped with the current step.
    mutating func writeHost(_ address: UInt64, _ value: UInt64) throws(MachineError) {
        hardware.memory.writeStamp = UInt32(truncatingIfNeeded: session.historyStep)
        do { try hardware.memory.write64(address, value) } catch { throw .memory(error) }
    }

    mutating func writeHost(_ address: UInt64, _ words: [UInt64]) throws(MachineError) {
        for (i, w) in words.enumerated() { try writeHost(address + UInt64(i * 8), w) }
    }
}
