import IOMMUModel

/// The VT-d fault reasons: how the model raises each (VT-d spec 7.2.3 fault conditions; the codes and
/// texts of Linux dmar.c `dma_remap_fault_reasons` / `dma_remap_sm_fault_reasons`), and why it never
/// raises the rest. Hand-built structures sit at 0x9000_0000 and up, clear of the table allocator.
extension FaultCatalog {
    static let vtd = FaultCatalog(
        architecture: "vtd", title: "VT-d", noun: "fault reason",
        names: VTdFaultReason.allCases.map { ($0.rawValue, $0.text) },
        raised: vtdRaised,
        unreachable: [
            FaultExclusion(0x8, "no root table (RTADDR unset): the `vtd` statement always allocates and programs the root table, and no statement clears it"),
            FaultExclusion(0x30, "no root table (RTADDR unset): the `vtd` statement always allocates and programs the root table, and no statement clears it"),
            FaultExclusion(0x84, "the second-stage walk's own result for an input beyond its width; every caller reports the request's reason instead: 0x83 (second stage only), 0x74 (nested), 0x4 (legacy). An address inside a second-stage entry beyond HAW is reported as reserved bits (0x7a/0xc); whether hardware uses 0x84 for it is unverified"),
        ],
        neverRaised: [
            FaultExclusion(0x9, "context-table access error: the model has no memory errors (every address reads, as zero if never written)"),
            FaultExclusion(0x38, "root-entry access error: no memory errors in the model"),
            FaultExclusion(0x40, "context-entry access error: no memory errors in the model"),
            FaultExclusion(0x43, "\"SM: Invalid Context Entry\": Linux only prints the text and QEMU never raises it (its scalable context checks end at reserved bits, 0x42); the spec's condition is not in the sources read. The model's unit supports every DTE/PASIDE/PRE/PDTS value, so a context entry without reserved bits set is never invalid otherwise"),
            FaultExclusion(0x47, "PRE clear: page requests are not modelled"),
            FaultExclusion(0x48, "\"SM: RID_PASID field error\": Linux only prints the text and QEMU uses RID_PASID unchecked (VTD_CE_GET_RID2PASID); the model does the same, so a RID_PASID beyond the directory gives 0x46 and one without a PASID entry 0x51/0x59, as a PASID in the request would (whether hardware reports those as 0x48 is unverified)"),
            FaultExclusion(0x50, "PASID-directory access error: no memory errors in the model"),
            FaultExclusion(0x58, "PASID-table access error: no memory errors in the model"),
            FaultExclusion(0x5c, "ERE clear: the PASID entry's ERE is not modelled (the specification removed execute requests; `dma exec` checks XD, 0x82)"),
            FaultExclusion(0x70, "first-stage entry access error: no memory errors in the model"),
            FaultExclusion(0x73, "FS-PML4 access error: no memory errors in the model"),
            FaultExclusion(0x77, "nested first-stage write permission: needs an A/D-bit write to a first-stage table through stage 2; A/D updates are not modelled"),
            FaultExclusion(0x78, "second-stage entry access error: no memory errors in the model"),
            FaultExclusion(0x7c, "second-stage A/D update in no-snoop: A/D updates are not modelled"),
            FaultExclusion(0x90, "first-stage A/D update in no-snoop: A/D updates are not modelled"),
        ])

    static let vtdRaised = vtdLegacyRaised + vtdScalableRaised
}
