/// What the AMD-Vi driver side of a scenario does: set the IOMMU up, write DTEs and GCR3 entries the
/// way Linux's amd_iommu does (iommu.c `set_dte_entry`, `update_gcr3`), edit DTE fields in memory.
/// Command-buffer entries need no command of their own: `MachineCommand.queue` submits them.
public enum AMDViDriverCommand: DriverCommand, Equatable {
    /// Creates the AMD-Vi unit, its device table (2 MiB: 65,536 DeviceIDs × 32 bytes) and command buffer.
    case setup(AMDViConfiguration)
    /// Writes `device`'s DTE (and a GCR3 table when the DTE has GV = 1).
    case writeDTE(AMDViDTESpec)
    /// Writes the GCR3 entry of `pasid` (nil `guest`: clears it), allocating GCR3 levels as needed.
    case writeGCR3(device: String, pasid: UInt32, guest: String?)
    /// Rewrites fields of `device`'s DTE in memory, with no invalidation.
    case editDTE(device: String, fields: [AMDViFieldValue])

    public func perform(on m: inout Machine) throws(MachineError) -> StepOutcome {
        switch self {
        case .setup(let c): return try m.setUpAMDVi(c)
        case .writeDTE(let spec): return try m.amdWriteDTE(spec)
        case .writeGCR3(let device, let pasid, let guest): return try m.amdWriteGCR3(device: device, pasid: pasid, guest: guest)
        case .editDTE(let device, let fields): return try m.amdEditDTE(device: device, fields: fields)
        }
    }

    public var writesTables: Bool { true }
}

/// The AMD-Vi commands as `MachineCommand` values (scenario statements and tests build these).
extension MachineCommand {
    public static func amdviSetup(_ c: AMDViConfiguration) -> MachineCommand { .driver(DriverCommandBox(AMDViDriverCommand.setup(c))) }
    public static func amdviDTE(_ spec: AMDViDTESpec) -> MachineCommand { .driver(DriverCommandBox(AMDViDriverCommand.writeDTE(spec))) }
    public static func amdviGCR3(device: String, pasid: UInt32, guest: String?) -> MachineCommand {
        .driver(DriverCommandBox(AMDViDriverCommand.writeGCR3(device: device, pasid: pasid, guest: guest)))
    }
    public static func amdviEditDTE(device: String, fields: [AMDViFieldValue]) -> MachineCommand {
        .driver(DriverCommandBox(AMDViDriverCommand.editDTE(device: device, fields: fields)))
    }
}

/// The unit's features and cache sizes (`amdvi ...`).
public struct AMDViConfiguration: Sendable, Equatable {
    /// The unit walks 5-level guest tables (Linux amd_iommu_gpt_level = PAGE_MODE_5_LEVEL, from EFR GLXSup/HATS).
    public var guest5Level = true
    public var cacheSizes = AMDViCacheSizes()
    public init() {}
}

/// What `dte DEVICE ...` writes (48882 §2.2.2; Linux set_dte_entry: V, TV, IR, IW, Mode and root from the
/// v1 page table, domain ID; with a GCR3 table GV, GLX, the GCR3 root pieces and the guest paging level).
public struct AMDViDTESpec: Sendable, Equatable {
    public var device: String
    public var domain: UInt16
    /// The host (v1) table: Mode = its levels, Host Page Table Root Pointer = its root. nil: Mode = 0.
    public var host: String?
    /// GV = 1 with a GCR3 table of `glx + 1` levels (in the v1 table's guest memory when `host` is set).
    public var guest = false
    public var glx: UInt8 = 0
    public var giov = false
    public var guestLevels = 4
    public var ir = true
    public var iw = true
    /// V = 0: the DTE is not valid and DMA passes untranslated.
    public var valid = true

    public init(device: String, domain: UInt16, host: String? = nil) { self.device = device; self.domain = domain; self.host = host }
}

/// One field assignment for a structure edit (`dte-set DEVICE mode=3`).
public struct AMDViFieldValue: Sendable, Equatable {
    public var name: String
    public var value: UInt64
    public init(_ name: String, _ value: UInt64) { self.name = name; self.value = value }
}
