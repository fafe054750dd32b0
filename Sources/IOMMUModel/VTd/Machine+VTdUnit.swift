/// VT-d-only machine entry points: the invalidation queue as the scenario uses it, and the unit's
/// typed view for the VT-d driver code.
extension Machine {
    /// The VT-d unit, when the machine's IOMMU is one. Setting it replaces the machine's unit.
    public var vtd: VTdUnit? {
        get { iommu as? VTdUnit }
        set { iommu = newValue }
    }

    static let noVTd = MachineError.notConfigured("no VT-d unit: add `vtd scalable` (or `vtd legacy`) first")

    func requireVTd() throws(MachineError) -> VTdUnit {
        guard let v = vtd else { throw Machine.noVTd }
        return v
    }

    mutating func vtdInvalidate(_ descriptors: [[UInt64]]) throws(MachineError) -> StepOutcome {
        guard iommu == nil || iommu is VTdUnit else { throw Machine.noVTd }
        return try submitQueue(descriptors, noun: "descriptor", missing: Machine.noVTd)
    }
}
