/// The capabilities a modelled VT-d unit reports (a subset of CAP/ECAP, vtd.md §15).
public struct VTdConfiguration: Sendable, Equatable {
    /// Host address width (MGAW/HAW): bits of host-physical address the unit can produce.
    public var hostAddressWidth = 48
    /// CAP.MAMV: largest address mask a type-2 page-selective invalidation may use (QEMU: 18).
    public var maxAddressMask = 18
    /// CAP.FS5LP: 5-level first-stage tables supported.
    public var firstStage5Level = true
    /// ECAP.SRS: supervisor requests supported.
    public var supervisorRequests = true
    /// Queue descriptor width: true = 256-bit descriptors (DW=1, Linux with ECAP.SMTS).
    public var wideDescriptors = true
    public var cacheSizes = VTdCacheSizes()
    public init() {}
}
