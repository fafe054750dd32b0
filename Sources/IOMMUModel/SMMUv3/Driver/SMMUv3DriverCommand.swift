/// What the SMMUv3 driver side of a scenario does: set the SMMU up, write STEs and CDs the way
/// Linux's arm-smmu-v3 does, edit their fields, submit command-queue entries.
public enum SMMUv3DriverCommand: DriverCommand, Equatable {
    /// Creates the SMMUv3 and its (linear or two-level) stream table.
    case setup(SMMUv3Configuration)
    /// Writes `device`'s STE (and its L1STD and CD table when needed).
    case writeSTE(SMMUv3STESpec)
    /// Writes one CD of `device`'s CD table (through stage 2 when the STE is nested).
    case writeCD(SMMUv3CDSpec)
    /// Rewrites fields of `device`'s STE in memory, with no invalidation.
    case editSTE(device: String, fields: [SMMUv3FieldValue])
    /// Rewrites fields of CD `index` of `device`'s CD table in memory, with no invalidation.
    case editCD(device: String, index: UInt32, fields: [SMMUv3FieldValue])
    /// Command-queue entries (2 dwords each), consumed in order until the first ILLEGAL one.
    case commands([[UInt64]])
    /// Resumes a stopped command queue: GERRORN acknowledged (`skip` false) or Linux's skip_err first.
    case resumeQueue(skip: Bool)

    public func perform(on m: inout Machine) throws(MachineError) -> StepOutcome {
        switch self {
        case .setup(let c): return try m.setUpSMMU(c)
        case .writeSTE(let spec): return try m.smmuWriteSTE(spec)
        case .writeCD(let spec): return try m.smmuWriteCD(spec)
        case .editSTE(let device, let fields): return try m.smmuEditSTE(device: device, fields: fields)
        case .editCD(let device, let index, let fields): return try m.smmuEditCD(device: device, index: index, fields: fields)
        case .commands(let commands): return try m.smmuCommands(commands)
        case .resumeQueue(let skip): return try m.smmuResumeQueue(skip: skip)
        }
    }

    public var writesTables: Bool {
        switch self {
        case .commands, .resumeQueue: return false
        default: return true
        }
    }
}

/// The SMMUv3 commands as `MachineCommand` values (scenario statements, tests and the host model build these).
extension MachineCommand {
    public static func smmuSetup(_ c: SMMUv3Configuration) -> MachineCommand { .driver(DriverCommandBox(SMMUv3DriverCommand.setup(c))) }
    public static func smmuSTE(_ spec: SMMUv3STESpec) -> MachineCommand { .driver(DriverCommandBox(SMMUv3DriverCommand.writeSTE(spec))) }
    public static func smmuCD(_ spec: SMMUv3CDSpec) -> MachineCommand { .driver(DriverCommandBox(SMMUv3DriverCommand.writeCD(spec))) }
    public static func smmuEditSTE(device: String, fields: [SMMUv3FieldValue]) -> MachineCommand {
        .driver(DriverCommandBox(SMMUv3DriverCommand.editSTE(device: device, fields: fields)))
    }
    public static func smmuEditCD(device: String, index: UInt32, fields: [SMMUv3FieldValue]) -> MachineCommand {
        .driver(DriverCommandBox(SMMUv3DriverCommand.editCD(device: device, index: index, fields: fields)))
    }
    public static func smmuCommands(commands: [[UInt64]]) -> MachineCommand { .driver(DriverCommandBox(SMMUv3DriverCommand.commands(commands))) }
    public static func smmuResumeQueue(skip: Bool) -> MachineCommand { .driver(DriverCommandBox(SMMUv3DriverCommand.resumeQueue(skip: skip))) }
}
