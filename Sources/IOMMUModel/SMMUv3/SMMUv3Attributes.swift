/// The permission and tagging bits one translation gathered across both stages, packed so a TLB hit
/// checks them with a few ANDs (VMSAv8-64 AP[2:1], PXN/UXN with APTable/XNTable limits at stage 1;
/// S2AP and XN at stage 2; smmuv3.md §5c).
public struct SMMUv3Attributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Stage 1 translated (its bits below apply).
    public static let stage1 = SMMUv3Attributes(rawValue: 1 << 0)
    /// AP[2] = 1, or APTable[1] = 1 above: writes fault.
    public static let s1ReadOnly = SMMUv3Attributes(rawValue: 1 << 1)
    /// AP[1] = 1 and no APTable[0] above: unprivileged accesses allowed.
    public static let s1Unprivileged = SMMUv3Attributes(rawValue: 1 << 2)
    public static let s1PXN = SMMUv3Attributes(rawValue: 1 << 3)
    public static let s1UXN = SMMUv3Attributes(rawValue: 1 << 4)
    /// Stage 2 translated.
    public static let stage2 = SMMUv3Attributes(rawValue: 1 << 5)
    /// S2AP[0].
    public static let s2Read = SMMUv3Attributes(rawValue: 1 << 6)
    /// S2AP[1].
    public static let s2Write = SMMUv3Attributes(rawValue: 1 << 7)
    /// XN[1] (bit 54) at stage 2.
    public static let s2XN = SMMUv3Attributes(rawValue: 1 << 8)
    /// Stage-1 leaf with nG = 0: not tagged with an ASID.
    public static let global = SMMUv3Attributes(rawValue: 1 << 9)
    /// In a walk-cache entry's limits: APTable[0] = 1 above, no unprivileged access below.
    public static let tableNoUnprivileged = SMMUv3Attributes(rawValue: 1 << 10)

    /// The stage-1 permission fault for this request, or nil (stage 1 reads are always allowed in
    /// VMSAv8-64; the privilege is the transaction's PnU).
    public func stage1Fault(_ req: DMARequest) -> String? {
        guard contains(.stage1) else { return nil }
        if !req.privileged && !contains(.s1Unprivileged) {
            return "unprivileged access to a page only privileged accesses may use (AP[1] = 0 or APTable[0] = 1)"
        }
        if req.access.contains(.write) && contains(.s1ReadOnly) {
            return "write to a read-only page (AP[2] = 1 or APTable[1] = 1)"
        }
        if req.access.contains(.execute) && contains(req.privileged ? .s1PXN : .s1UXN) {
            return "instruction fetch from an execute-never page (\(req.privileged ? "PXN" : "UXN") = 1)"
        }
        return nil
    }

    /// The stage-2 permission fault for this request, or nil.
    public func stage2Fault(_ req: DMARequest) -> String? {
        guard contains(.stage2) else { return nil }
        if req.access.contains(.write) && !contains(.s2Write) { return "write to an IPA stage 2 maps without write permission (S2AP[1] = 0)" }
        if req.access.contains(.read) && !contains(.s2Read) { return "read of an IPA stage 2 maps without read permission (S2AP[0] = 0)" }
        if req.access.contains(.execute) && contains(.s2XN) { return "instruction fetch from an IPA stage 2 maps execute-never (XN)" }
        return nil
    }

    /// What the translation allows, in the model's shared terms (for views and DMA outcomes).
    public var permissions: Permissions {
        var p: Permissions = [.privileged]
        if !contains(.stage2) || contains(.s2Read) { p.insert(.read) }
        if (!contains(.stage1) || !contains(.s1ReadOnly)) && (!contains(.stage2) || contains(.s2Write)) { p.insert(.write) }
        if (!contains(.stage1) || !contains(.s1UXN)) && (!contains(.stage2) || !contains(.s2XN)) { p.insert(.execute) }
        if !contains(.stage1) || contains(.s1Unprivileged) { p.insert(.user) }
        return p
    }
}
