/// The whole modelled machine: physical memory with the real encoded tables, the IOMMU, the
/// devices, the named page tables, and what the last steps did. A value type: copying it is a
/// snapshot, and the same commands always give the same state.
public struct Machine: Sendable {
    public var memory = PhysicalMemory()
    /// The machine's one IOMMU, whichever architecture it is (nil until a scenario sets one up).
    /// Everything outside an architecture's folder reaches it through the `IOMMU` protocol.
    public internal(set) var iommu: (any IOMMU)?
    public internal(set) var devices: [Device] = []
    public internal(set) var spaces: [String: AddressSpace] = [:]
    /// Old values of the spaces the current command changed (see `apply`).
    var spacesJournal: [(String, AddressSpace?)] = []
    /// Frames for host-side tables (root/context/PASID tables, stage-2 and FS-only tables).
    public var hostTables = FrameAllocator(name: "host table pool", base: 0x8000_0000, size: 0x4000_0000)
    /// Frames for each guest's tables, by the stage-2 space that backs them (GPAs).
    public var guestTables: [String: FrameAllocator] = [:]
    /// What the steps so far did (the session record: step count, change log, last DMA and queue
    /// batch, stale uses, narration, failed expectations); only commands change it.
    public internal(set) var session = SessionRecord()
    /// `memory.writeCount` at which every cache was known to agree with memory (empty caches always do).
    var cachesMatchMemoryAt: UInt64 = 0
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
        memory.pageLimit = limits.memoryPages
    }

    /// Sets the narration of the current step without applying a command.
    public mutating func narrate(_ text: String?) { session.narrate(text) }

    /// Applies one command. On a thrown error nothing changes: commands validate before they write,
    /// and the few that allocate as they go (map, attach) keep a copy to restore.
    @discardableResult
    public mutating func apply(_ command: MachineCommand) throws(MachineError) -> StepOutcome {
        let outcome: StepOutcome
        if command.writesTables {
            // Memory and the named spaces, which grow with the scenario, are undone from journals; the
            // copy kept to restore everything else must not hold them, or every write would copy them
            // (quadratic over a long scenario). The copy also ends before describeChange.
            do {
                var before = self
                before.memory = PhysicalMemory()
                before.spaces = [:]
                memory.beginJournal()
                spacesJournal = []
                do { outcome = try perform(command) } catch {
                    var undone = memory, names = spaces
                    undone.rollBackJournal()
                    for (name, old) in spacesJournal.reversed() { names[name] = old }
                    self = before
                    memory = undone
                    spaces = names
                    throw error
                }
                memory.endJournal()
                spacesJournal = []
            }
            session.describeChange(outcome.summary)
        } else {
            outcome = try perform(command)
        }
        if cachesMatchMemoryAt != memory.writeCount && cachesEmpty { cachesMatchMemoryAt = memory.writeCount }
        session.commandApplied()
        return outcome
    }

    mutating func perform(_ command: MachineCommand) throws(MachineError) -> StepOutcome {
        switch command {
        case .note(let text):
            session.narrate(text)
            return StepOutcome(.ok, "note")
        case .driver(let d): return try d.command.perform(on: &self)
        case .addDevice(let d): return try addDevice(d)
        case .createSpace(let name, let format, let levels, let backing, let root):
            return try createSpace(name: name, format: format, levels: levels, backing: backing, root: root)
        case .guestTablePool(let s2, let base, let size):
            guard spaces[s2] != nil else { throw .unknownName(kind: "address space", name: s2, known: spaceNames) }
            guestTables[s2] = FrameAllocator(name: "guest table pool of \(s2)", base: base, size: size)
            return StepOutcome(.ok, "guest tables of \(s2) at GPA \(groupedHex(base)) (\(byteSizeLabel(size)))")
        case .map(let space, let input, let output, let size, let perms, let pageSize):
            return try map(space: space, input: input, output: output, size: size, perms: perms, pageSize: pageSize)
        case .unmap(let space, let input, let size): return try unmap(space: space, input: input, size: size)
        case .setEntry(let space, let input, let level, let value): return try setEntry(space: space, input: input, level: level, value: value)
        case .writeMemory(let address, let value, let through): return try writeMemory(address: address, value: value, through: through)
        case .dma(let device, let pasid, let address, let access, let privileged):
            return try dma(device: device, pasid: pasid, address: address, access: access, privileged: privileged)
        case .queue(let entries): return try submitQueue(entries, noun: architecture?.queueEntryNoun ?? "entry", missing: Machine.noIOMMU)
        case .setCacheCapacity(let cache, let entries): return try setCacheCapacity(cache: cache, entries: entries)
        case .expect(let e): return try expect(e)
        case .host(let c): return try applyHost(c)
        }
    }

    // MARK: lookups

    public var spaceNames: [String] { spaces.keys.sorted() }

    public func device(named name: String) throws(MachineError) -> Device {
        guard let d = devices.first(where: { $0.name == name }) else {
            throw .unknownName(kind: "device", name: name, known: devices.map(\.name))
        }
        return d
    }

    public func space(named name: String) throws(MachineError) -> AddressSpace {
        guard let s = spaces[name] else { throw .unknownName(kind: "address space", name: name, known: spaceNames) }
        return s
    }

    /// True when no cache holds anything, so none can disagree with memory.
    var cachesEmpty: Bool { iommu?.cachesEmpty ?? true }

    /// The architecture of the machine's IOMMU (nil before one is set up).
    public var architecture: IOMMUArchitecture? { iommu.map { type(of: $0).architecture } }

    mutating func addDevice(_ d: Device) throws(MachineError) -> StepOutcome {
        guard !devices.contains(where: { $0.name == d.name }) else { throw .duplicateName(kind: "device", name: d.name) }
        if let other = devices.first(where: { $0.sid == d.sid }) {
            throw .invalid("source id \(hex(UInt64(d.sid))) is already used by device '\(other.name)'")
        }
        devices.append(d)
        return StepOutcome(.ok, "device \(d.name) sid \(pciBDF(UInt16(truncatingIfNeeded: d.sid)))\(d.ats ? " with ATS" : "")")
    }

    // MARK: memory writes with history

    /// Writes a qword of host memory, stamped with the current step.
    mutating func writeHost(_ address: UInt64, _ value: UInt64) throws(MachineError) {
        memory.writeStamp = UInt32(truncatingIfNeeded: session.historyStep)
        do { try memory.write64(address, value) } catch { throw .memory(error) }
    }

    mutating func writeHost(_ address: UInt64, _ words: [UInt64]) throws(MachineError) {
        for (i, w) in words.enumerated() { try writeHost(address + UInt64(i * 8), w) }
    }

    mutating func setSpace(_ s: AddressSpace) { storeSpace(s.name, s) }

    /// Every change to `spaces` goes through here, so a failed command can be undone from the journal.
    mutating func storeSpace(_ name: String, _ space: AddressSpace?) {
        spacesJournal.append((name, spaces[name]))
        spaces[name] = space
    }
}
