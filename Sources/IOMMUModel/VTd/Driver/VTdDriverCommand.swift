/// What the VT-d driver side of a scenario does: set the unit up, write context and PASID entries,
/// submit queued-invalidation descriptors (Linux intel-iommu's pasid.c and qi paths).
public enum VTdDriverCommand: DriverCommand, Equatable {
    /// Creates the VT-d unit and programs its root table (scalable or legacy mode).
    case setup(scalable: Bool, configuration: VTdConfiguration)
    /// Writes root/context/PASID-directory/PASID entries so `device`'s PASID translates with `pgtt`.
    case attach(VTdAttachment)
    /// Clears the PASID entry (P = 0), as Linux's teardown does first, with no invalidation.
    case detach(device: String, pasid: UInt32?)
    /// Writes a legacy-mode context entry (TT 0/1 = second stage, 2 = pass-through).
    case legacyAttach(device: String, did: UInt16, space: String?, translationType: UInt8)
    /// Queued-invalidation descriptors, submitted as one batch (each is its own step in the log).
    case invalidate(descriptors: [[UInt64]])

    public func perform(on m: inout Machine) throws(MachineError) -> StepOutcome {
        switch self {
        case .setup(let scalable, let configuration): return try m.setUpVTd(scalable: scalable, configuration: configuration)
        case .attach(let a): return try m.vtdAttach(a)
        case .detach(let device, let pasid): return try m.vtdDetach(device: device, pasid: pasid)
        case .legacyAttach(let device, let did, let space, let tt): return try m.vtdLegacyAttach(device: device, did: did, space: space, translationType: tt)
        case .invalidate(let descriptors): return try m.vtdInvalidate(descriptors)
        }
    }

    public var writesTables: Bool { if case .invalidate = self { return false }; return true }
}

/// The VT-d commands as `MachineCommand` values (scenario statements, tests and the host model build these).
extension MachineCommand {
    public static func vtdSetup(scalable: Bool, configuration: VTdConfiguration) -> MachineCommand {
        .driver(DriverCommandBox(VTdDriverCommand.setup(scalable: scalable, configuration: configuration)))
    }
    public static func vtdAttach(_ a: VTdAttachment) -> MachineCommand { .driver(DriverCommandBox(VTdDriverCommand.attach(a))) }
    public static func vtdDetach(device: String, pasid: UInt32?) -> MachineCommand {
        .driver(DriverCommandBox(VTdDriverCommand.detach(device: device, pasid: pasid)))
    }
    public static func vtdLegacyAttach(device: String, did: UInt16, space: String?, translationType: UInt8) -> MachineCommand {
        .driver(DriverCommandBox(VTdDriverCommand.legacyAttach(device: device, did: did, space: space, translationType: translationType)))
    }
    public static func vtdInvalidate(descriptors: [[UInt64]]) -> MachineCommand {
        .driver(DriverCommandBox(VTdDriverCommand.invalidate(descriptors: descriptors)))
    }
}

/// What `vtdAttach` writes into the PASID entry (VT-d spec 9.6; Linux pasid.c for each mode).
public struct VTdAttachment: Sendable, Equatable {
    public var device: String
    /// nil: requests without PASID (the entry at RID_PASID).
    public var pasid: UInt32?
    /// 1 first-stage only, 2 second-stage only, 3 nested, 4 pass-through.
    public var pgtt: UInt8
    public var did: UInt16
    public var firstStage: String?
    public var secondStage: String?
    public var sre = false
    public var wpe = false
    public var fpd = false
    /// PASID directory size field for a new context entry (2^(PDTS+7) directory entries).
    public var pdts: UInt8 = 0

    public init(device: String, pasid: UInt32?, pgtt: UInt8, did: UInt16, firstStage: String? = nil, secondStage: String? = nil) {
        self.device = device
        self.pasid = pasid
        self.pgtt = pgtt
        self.did = did
        self.firstStage = firstStage
        self.secondStage = secondStage
    }
}

