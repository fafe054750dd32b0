import IOMMUModel

/// The AMD-Vi event-log records a DMA raises: how the model raises each (48882 §2.5; names as Linux's
/// iommu_print_event prints them), and why it never raises the rest. Code 0 stands for a DTE that blocks
/// the DMA without an event (V = 1, TV = 0).
extension FaultCatalog {
    /// The device's DTE is at 0x8000_0300 in every scenario: the first `amdvi` puts the device table at
    /// 0x8000_0000 and DeviceID 00:03.0 (0x18) is 32 bytes an entry in.
    static let amdviSetup = """
        amdvi
        device nic sid=00:03.0
        space hs amd-v1 levels=3
        """

    /// A nested DTE: a 4-level v1 table with guest RAM, a v2 table in it, GV = 1 with a one-level GCR3 table.
    static let amdviNested = """
        amdvi
        device nic sid=00:03.0
        space hs amd-v1 levels=4
        map hs 0x0 -> 0x1_0000_0000 4M rw
        space gs amd-v2 levels=4 in hs
        dte nic domain=1 v1=hs guest
        """

    static let amdvi = FaultCatalog(
        architecture: "amdvi", title: "AMD-Vi", noun: "event",
        names: [(0, "blocked (no event)")] + AMDViEventFormat.names.keys.sorted().map { (UInt8($0), AMDViEventFormat.names[$0] ?? "?") },
        raised: amdviRaised,
        unreachable: [],
        neverRaised: [
            FaultExclusion(0x3, "the model has no hardware errors: every device-table read succeeds"),
            FaultExclusion(0x4, "the model has no hardware errors: every page-table read succeeds"),
            FaultExclusion(0x5, "not a DMA's event: a refused command logs ILLEGAL_COMMAND_ERROR with its address (`cmdbuf raw 0x9000000000000000 0` then `expect refused`; AMDViUnitTests)"),
            FaultExclusion(0x6, "the model has no hardware errors: every command-buffer read succeeds"),
            FaultExclusion(0x7, "the device IOTLB (ATS) is not modelled, so INVALIDATE_IOTLB_PAGES never waits on a device"),
            FaultExclusion(0x9, "peripheral page requests (PPR) are not modelled"),
        ])

    static let amdviRaised: [FaultCondition] = [
        FaultCondition(0x0, "DTE V = 1 with TV = 0: no translation information, the DMA is blocked and no event is logged",
                       source: "48882 §2.2.2.1 (DTE[TV]); Linux set_dte_entry sets TV with every domain",
                       scenario: amdviSetup + """

            dte nic domain=1 v1=hs
            dte-set nic tv=0
            dma read nic 0x1000
            expect fault 0
            """),
        FaultCondition(0x1, "DTE Mode = 7 (reserved): ILLEGAL_DEV_TABLE_ENTRY",
                       source: "48882 §2.2.2 (Mode encodings), §2.5.2; QEMU amdvi_validate_dte",
                       scenario: amdviSetup + """

            dte nic domain=1 v1=hs
            dte-set nic mode=7
            dma read nic 0x1000
            expect fault 0x1
            """),
        FaultCondition(0x1, "GV = 1 with GLX = 3 (reserved): ILLEGAL_DEV_TABLE_ENTRY",
                       source: "48882 §2.2.2 (GLX), §2.5.2; Linux validate_gdte_nested refuses GLX = 3 in a guest DTE",
                       scenario: amdviNested + """

            dte-set nic glx=3
            dma read nic pasid=1 0x1000
            expect fault 0x1
            """),
        FaultCondition(0x2, "v1 (host) table: the PTE for the IOVA is not present (PR = 0)",
                       source: "48882 §2.2.3, §2.5.3 IO_PAGE_FAULT (PR = 0); Linux amd_iommu_report_page_fault",
                       scenario: amdviSetup + """

            dte nic domain=1 v1=hs
            dma read nic 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x2, "a write through a v1 PTE with IW = 0 (permission: PR = 1, PE = 1)",
                       source: "48882 §2.2.3 (IR/IW over every level and the DTE), §2.5.3",
                       scenario: amdviSetup + """

            map hs 0x1000 -> 0x9000_0000 4K r
            dte nic domain=1 v1=hs
            dma write nic 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x2, "an IOVA above the DTE Mode's levels (bit 39 with Mode 3)",
                       source: "48882 §2.2.3 (the IOVA bits above the root level must be 0)",
                       scenario: amdviSetup + """

            dte nic domain=1 v1=hs
            dma read nic 0x80_0000_0000
            expect fault 0x2
            """),
        FaultCondition(0x2, "a v1 PTE with a reserved bit set (bits 58:52): RZ = 1",
                       source: "48882 §2.2.3, §2.5.3 IO_PAGE_FAULT RZ; Linux EVENT_FLAG_RZ",
                       scenario: amdviSetup + """

            map hs 0x1000 -> 0x9000_0000 4K rw
            set-entry hs 0x1000 level=1 0x6010000090000001
            dte nic domain=1 v1=hs
            dma read nic 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x2, "GV = 1: the GCR3 entry of the PASID is not valid",
                       source: "48882 §2.2.6 (GCR3 table), §2.5.3; Linux update_gcr3 writes GCR3_VALID",
                       scenario: amdviNested + """

            dma read nic pasid=1 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x2, "GV = 1: the PASID is wider than the GCR3 table's levels (0x200 with GLX = 0)",
                       source: "48882 §2.2.6 (GLX: PASID bits each level indexes); Linux __get_gcr3_pte",
                       scenario: amdviNested + """

            dma read nic pasid=0x200 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x2, "nested: the v2 (guest) PTE for the GVA is not present",
                       source: "48882 §2.2.6.2, §2.5.3 (GN = 1); Linux io_pgtable_v2.c",
                       scenario: amdviNested + """

            gcr3 nic pasid=1 v2=gs
            dma read nic pasid=1 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x8, "a PASID-tagged request to a DTE with GV = 0: INVALID_DEVICE_REQUEST",
                       source: "48882 §2.5 INVALID_DEVICE_REQUEST (a request the DTE does not enable); QEMU amd_iommu.h AMDVI_EVENT_INV_DEV_REQ",
                       scenario: amdviSetup + """

            dte nic domain=1 v1=hs
            dma read nic pasid=1 0x1000
            expect fault 0x8
            """),
    ]
}
