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

/// Masks the walker needs on every entry, computed once from the field tables and the address
/// width, so the hot loop reads locals instead of lazily initialised statics.
struct VTdPagingRules: Sendable {
    let addressMask: UInt64          // bits 51:12 of a table entry
    let aboveHAW: UInt64             // address bits at or above the host address width
    let fsReservedNonLeaf: [UInt64]  // by level 0...5
    let fsReserved4K: UInt64
    let fsReserved2M: UInt64
    let fsReserved1G: UInt64
    let ssReservedNonLeaf: [UInt64]
    let ssReserved4K: UInt64
    let ssReserved2M: UInt64
    let ssReserved1G: UInt64

    init(hostAddressWidth haw: Int) {
        addressMask = VTdFirstStagePTEFormat.table.runs[0].mask
        aboveHAW = haw >= 52 ? 0 : addressMask & ~((UInt64(1) << UInt64(haw)) - 1)
        let psBit = VTdFirstStagePTEFormat.ps.runs[0].mask
        let fsNonLeaf = VTdFirstStagePTEFormat.nonLeaf.reservedMasks[0] | aboveHAW
        // PS is reserved in PML4E/PML5E (QEMU VTD_FPTE_PAGE_L4_RSVD_MASK includes bit 7).
        fsReservedNonLeaf = [0, fsNonLeaf, fsNonLeaf, fsNonLeaf, fsNonLeaf | psBit, fsNonLeaf | psBit]
        fsReserved4K = VTdFirstStagePTEFormat.leaf4K.reservedMasks[0] | aboveHAW
        fsReserved2M = VTdFirstStagePTEFormat.leaf2M.reservedMasks[0] | aboveHAW
        fsReserved1G = VTdFirstStagePTEFormat.leaf1G.reservedMasks[0] | aboveHAW
        let ssPS = VTdSecondStagePTEFormat.ps.runs[0].mask
        let ssNonLeaf = VTdSecondStagePTEFormat.nonLeaf.reservedMasks[0] | aboveHAW
        ssReservedNonLeaf = [0, ssNonLeaf, ssNonLeaf, ssNonLeaf, ssNonLeaf | ssPS, ssNonLeaf | ssPS]
        ssReserved4K = VTdSecondStagePTEFormat.leaf4K.reservedMasks[0] | aboveHAW
        ssReserved2M = VTdSecondStagePTEFormat.leaf2M.reservedMasks[0] | aboveHAW
        ssReserved1G = VTdSecondStagePTEFormat.leaf1G.reservedMasks[0] | aboveHAW
    }
}
