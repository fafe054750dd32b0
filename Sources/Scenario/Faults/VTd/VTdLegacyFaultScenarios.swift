/// The VT-d fault reasons a legacy-mode unit raises (root → context → second stage), each with a scenario.
extension FaultCatalog {
    static let vtdLegacyRaised: [FaultCondition] = [
        FaultCondition(0x1, "legacy mode: the root entry of the requester's bus has P = 0",
                       source: "VT-d spec 9.1 (root entry P); Linux dmar.c dma_remap_fault_reasons[1]; QEMU vtd_dev_to_context_entry (VTD_FR_ROOT_ENTRY_P)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            dma read nic 0x1000
            expect fault 0x1
            """),
        FaultCondition(0x2, "legacy mode: the requester's context entry has P = 0",
                       source: "VT-d spec 9.3 (context entry P); QEMU vtd_dev_to_context_entry (VTD_FR_CONTEXT_ENTRY_P)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            dma read nic 0x1000
            expect fault 0x2
            """),
        FaultCondition(0x3, "legacy mode: a context entry with TT = 3 (reserved)",
                       source: "VT-d spec 9.3 TT; QEMU vtd_ce_type_check (VTD_FR_CONTEXT_ENTRY_INV)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0xd                # context entry of 01:00.0: P, TT = 3 (reserved)
            dma read nic 0x1000
            expect fault 0x3
            """),
        FaultCondition(0x3, "legacy mode: a translating context entry whose AW is not 1-3 (3-5 levels)",
                       source: "VT-d spec 9.3 AW; QEMU vtd_is_level_supported via vtd_dev_to_context_entry (VTD_FR_CONTEXT_ENTRY_INV)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9300_0001        # context entry of 01:00.0: P, TT = 00, second-stage root 0x9300_0000
            write 0x9000_0008 0x104              # ... AW = 4 (only 1-3 are defined), DID 1
            dma read nic 0x1000
            expect fault 0x3
            """),
        FaultCondition(0x4, "legacy mode: pass-through (TT = 2) of an address beyond HAW",
                       source: "VT-d spec 3.7 (address width); QEMU vtd_iova_to_slpte / vtd_iova_sl_range_check (VTD_FR_ADDR_BEYOND_MGAW)",
                       scenario: """
            vtd legacy haw=39
            device nic sid=01:00.0
            legacy-attach nic did=1 tt=2
            dma read nic 0x80_0000_0000
            expect fault 0x4
            """),
        FaultCondition(0x4, "legacy mode: an input beyond the second-stage width (AW); the walk's own 0x84 result is reported as this",
                       source: "VT-d spec 3.7, 9.3 AW; QEMU vtd_iova_to_slpte (VTD_FR_ADDR_BEYOND_MGAW)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=3
            map s2 0x0 -> 0x1_0000_0000 1M rw
            legacy-attach nic did=1 ss=s2
            dma read nic 0x80_0000_0000
            expect fault 0x4
            """),
        FaultCondition(0x5, "legacy mode: a write the second-stage rights refuse (W = 0)",
                       source: "VT-d spec 3.7.2; QEMU vtd_iova_to_slpte (VTD_FR_WRITE); Linux dmar.c reason 5",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M r
            legacy-attach nic did=1 ss=s2
            dma write nic 0x1000
            expect fault 0x5
            """),
        FaultCondition(0x6, "legacy mode: a read the second-stage rights refuse (R = 0)",
                       source: "VT-d spec 3.7.2; QEMU vtd_iova_to_slpte (VTD_FR_READ); Linux dmar.c reason 6",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M w
            legacy-attach nic did=1 ss=s2
            dma read nic 0x1000
            expect fault 0x6
            """),
        FaultCondition(0x7, "legacy mode: the context entry's second-stage root lies beyond HAW",
                       source: "VT-d spec 9.3 SSPTPTR; Linux dmar.c reason 7 \"Next page table ptr is invalid\"",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x1_0000_0000_0001 # context entry: P, TT = 00, second-stage root at 2^48 (beyond HAW)
            write 0x9000_0008 0x102              # ... AW = 2 (4-level), DID 1
            dma read nic 0x1000
            expect fault 0x7
            """),
        FaultCondition(0xa, "legacy mode: reserved bits set in the root entry",
                       source: "VT-d spec 9.1; QEMU vtd_root_entry_rsvd_bits_check / vtd_dev_to_context_entry (VTD_FR_ROOT_ENTRY_RSVD)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0003        # root entry of bus 1: present, reserved bit 1 set
            dma read nic 0x1000
            expect fault 0xa
            """),
        FaultCondition(0xb, "legacy mode: reserved bits set in the context entry",
                       source: "VT-d spec 9.3; QEMU VTD_CONTEXT_ENTRY_RSVD_LO/HI (VTD_FR_CONTEXT_ENTRY_RSVD)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9300_0001        # context entry: P, second-stage root 0x9300_0000
            write 0x9000_0008 0x8000_0000_0000_0102# ... bit 127 set (reserved), AW = 2, DID 1
            dma read nic 0x1000
            expect fault 0xb
            """),
        FaultCondition(0xc, "legacy mode: reserved bits (or an address beyond HAW) in a second-stage entry",
                       source: "VT-d spec 9.8; QEMU vtd_slpte_nonzero_rsvd (VTD_FR_PAGING_ENTRY_RSVD)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M rw
            set-entry s2 0x1000 level=1 0x1_0000_1000_0083
            legacy-attach nic did=1 ss=s2
            dma read nic 0x1000
            expect fault 0xc
            """),
        FaultCondition(0xd, "legacy mode: an ATS translation request to a context entry with TT = 00 (untranslated requests only); nothing is walked or cached",
                       source: "VT-d spec 9.3 TT; Linux dmar.c reason 0xd \"PCE for translation request specifies blocking\"",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0 ats
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M rw
            legacy-attach nic did=1 ss=s2 tt=0
            dma read nic 0x1000
            expect fault 0xd
            """),
        FaultCondition(0xe, "legacy mode: the translated page overlaps the interrupt range 0xFEE0_0000-0xFEEF_FFFF (Linux prints \"Unknown\")",
                       source: "VT-d spec 3.15 (LGN.4, as QEMU quotes it); QEMU vtd_do_iommu_translate (VTD_FR_INTERRUPT_ADDR)",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0xfee0_0000 4K rw
            legacy-attach nic did=1 ss=s2
            dma write nic 0x0
            expect fault 0xe
            """),
        FaultCondition(0x31, "a request with PASID to a legacy-mode unit (RTADDR.TTM = 0)",
                       source: "Linux dmar.c \"SM: TTM 0 for request with PASID\"; QEMU VTD_FR_RTADDR_INV_TTM",
                       scenario: """
            vtd legacy haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M rw
            legacy-attach nic did=1 ss=s2
            dma read nic pasid=1 0x1000
            expect fault 0x31
            """),
    ]
}
