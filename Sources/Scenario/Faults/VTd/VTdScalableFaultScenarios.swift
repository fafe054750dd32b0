/// The VT-d fault reasons a scalable-mode unit raises (root → context → PASID entry → walks), each with a scenario.
extension FaultCatalog {
    static let vtdScalableRaised: [FaultCondition] = [
        FaultCondition(0x39, "scalable mode: the root entry's LP (devfn 0-127) or UP (128-255) is 0",
                       source: "VT-d spec 9.2; Linux dmar.c dma_remap_sm_fault_reasons",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            dma read nic 0x1000
            expect fault 0x39
            """),
        FaultCondition(0x3a, "scalable mode: reserved bits (or a pointer beyond HAW) in the root entry",
                       source: "VT-d spec 9.2; QEMU vtd_root_entry_rsvd_bits_check",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0003        # root entry of bus 1: present, reserved bit 1 set
            dma read nic 0x1000
            expect fault 0x3a
            """),
        FaultCondition(0x41, "scalable mode: the requester's context entry has P = 0",
                       source: "VT-d spec 9.4; QEMU vtd_dev_to_context_entry (VTD_FR_CONTEXT_ENTRY_P)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            dma read nic 0x1000
            expect fault 0x41
            """),
        FaultCondition(0x42, "scalable mode: reserved bits (or a pointer beyond HAW) in the context entry",
                       source: "VT-d spec 9.4; QEMU VTD_SM_CONTEXT_ENTRY_RSVD_VAL0/1",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0001        # context entry of 01:00.0: P, PASID directory at 0x9100_0000
            write 0x9000_0008 0x8000_0000_0000_0000# ... bit 127 set (reserved)
            dma read nic 0x1000
            expect fault 0x42
            """),
        FaultCondition(0x44, "scalable mode: an ATS translation request to a context entry with DTE = 0; nothing is walked or cached",
                       source: "VT-d spec 9.4 DTE; Linux dmar.c \"SM: DTE field in Context Entry is clear\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0 ats
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            dma read nic 0x1000
            expect fault 0x44
            """),
        FaultCondition(0x45, "scalable mode: a request with PASID to a context entry with PASIDE = 0",
                       source: "VT-d spec 9.4 PASIDE; Linux dmar.c \"SM: PASID Enable field in Context Entry is clear\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0001        # context entry of 01:00.0: P, PASIDE = 0
            dma read nic pasid=1 0x1000
            expect fault 0x45
            """),
        FaultCondition(0x46, "scalable mode: a PASID beyond the directory the context entry's PDTS sizes (2^(PDTS+7) entries of 64 PASIDs)",
                       source: "VT-d spec 9.4 PDTS; Linux dmar.c \"SM: PASID is larger than the max in Context Entry\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            dma read nic pasid=8192 0x1000
            expect fault 0x46
            """),
        FaultCondition(0x51, "scalable mode: the PASID directory entry has P = 0",
                       source: "VT-d spec 9.5; QEMU vtd_get_pe_from_pasid_table (VTD_FR_PASID_DIR_ENTRY_P)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            dma read nic pasid=1 0x1000
            expect fault 0x51
            """),
        FaultCondition(0x52, "scalable mode: reserved bits (or a pointer beyond HAW) in the PASID directory entry",
                       source: "VT-d spec 9.5; Linux dmar.c \"SM: Non-zero reserved field set in PASID Directory Entry\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            write 0x9100_0000 0x9200_0005        # directory entry 0: P, reserved bit 2 set
            dma read nic pasid=1 0x1000
            expect fault 0x52
            """),
        FaultCondition(0x59, "scalable mode: the PASID table entry has P = 0",
                       source: "VT-d spec 9.6; QEMU vtd_get_pe_in_pasid_leaf_table (VTD_FR_PASID_ENTRY_P)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            write 0x9100_0000 0x9200_0001        # directory entry 0 (PASIDs 0-63): P, PASID table at 0x9200_0000
            dma read nic pasid=1 0x1000
            expect fault 0x59
            """),
        FaultCondition(0x5a, "scalable mode: reserved bits in the PASID entry, or a reserved FSPM",
                       source: "VT-d spec 9.6; Linux dmar.c \"SM: Non-zero reserved field set in PASID Table Entry\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            write 0x9100_0000 0x9200_0001        # directory entry 0 (PASIDs 0-63): P, PASID table at 0x9200_0000
            write 0x9200_0040 0x101              # PASID 1 entry: P, PGTT = 4 (pass-through)
            write 0x9200_0048 0x1                # ... DID 1
            write 0x9200_0078 0x8000_0000_0000_0000# ... bit 511 set (reserved)
            dma read nic pasid=1 0x1000
            expect fault 0x5a
            """),
        FaultCondition(0x5b, "scalable mode: a PASID entry whose PGTT is not 1-4, or whose AW is not 1-3 when stage 2 is used",
                       source: "VT-d spec 9.6 PGTT/AW; QEMU vtd_get_pe_in_pasid_leaf_table (VTD_FR_PASID_TABLE_ENTRY_INV)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            write 0x9100_0000 0x9200_0001        # directory entry 0 (PASIDs 0-63): P, PASID table at 0x9200_0000
            write 0x9200_0040 0x1                # PASID 1 entry: P, PGTT = 0 (not a defined type)
            write 0x9200_0048 0x1                # ... DID 1
            dma read nic pasid=1 0x1000
            expect fault 0x5b
            """),
        FaultCondition(0x5d, "scalable mode: a supervisor request through a first-stage PASID entry with SRE = 0 (also on an IOTLB hit)",
                       source: "VT-d spec 9.6 SRE; Linux dmar.c \"SM: SRE field is clear in PASID Table Entry\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K rw
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma read nic pasid=1 0x4000_0000 priv
            expect fault 0x5d
            """),
        FaultCondition(0x71, "scalable mode: a first-stage entry with P = 0",
                       source: "VT-d spec 9.7; QEMU vtd_iova_to_flpte (VTD_FR_FS_PAGING_ENTRY_P)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma read nic pasid=1 0x5000_0000
            expect fault 0x71
            """),
        FaultCondition(0x72, "scalable mode: reserved bits (or an address beyond HAW) in a first-stage entry",
                       source: "VT-d spec 9.7; QEMU vtd_flpte_nonzero_rsvd (VTD_FR_FS_PAGING_ENTRY_RSVD)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            set-entry s1 0x4000_0000 level=1 0x4_0000_0020_0007
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma read nic pasid=1 0x4000_0000
            expect fault 0x72
            """),
        FaultCondition(0x74, "nested: the first-stage output GPA (or a table GPA) is beyond the second-stage width",
                       source: "VT-d spec 3.8; Linux dmar.c \"SM: First-level entry address beyond MGAW in Nested translation\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=3
            map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
            space s1 vtd-fs levels=4 in s2
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            set-entry s1 0x4000_0000 level=1 0x80_0000_0007
            attach nic pasid=1 pgtt=nested did=1 fs=s1 ss=s2
            dma read nic pasid=1 0x4000_0000
            expect fault 0x74
            """),
        FaultCondition(0x75, "nested: stage 2 does not map (or gives no read right to) the first-stage root FSPTPTR",
                       source: "VT-d spec 3.8; Linux dmar.c \"SM: Read permission error in FL-PML4 entry in Nested translation\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
            space s1 vtd-fs levels=4 in s2 root=0x30_0000
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            attach nic pasid=1 pgtt=nested did=1 fs=s1 ss=s2
            unmap s2 0x30_0000 4K
            dma read nic pasid=1 0x4000_0000
            expect fault 0x75
            """),
        FaultCondition(0x76, "nested: stage 2 does not map (or gives no read right to) a lower first-stage table",
                       source: "VT-d spec 3.8; Linux dmar.c \"SM: Read permission error in first-level paging entry in Nested translation\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
            space s1 vtd-fs levels=4 in s2
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            set-entry s1 0x4000_0000 level=4 0x4000_0007
            attach nic pasid=1 pgtt=nested did=1 fs=s1 ss=s2
            dma read nic pasid=1 0x4000_0000
            expect fault 0x76
            """),
        FaultCondition(0x79, "scalable mode: a second-stage entry with R = W = 0 on the walk (second-stage only)",
                       source: "VT-d spec 9.8; Linux dmar.c \"SM: Read/Write permission error in second-level paging entry\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M rw
            attach nic pasid=1 pgtt=ss did=1 ss=s2
            dma read nic pasid=1 0x20_0000
            expect fault 0x79
            """),
        FaultCondition(0x7a, "scalable mode: reserved bits (or an address beyond HAW) in a second-stage entry",
                       source: "VT-d spec 9.8; QEMU vtd_slpte_nonzero_rsvd",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M rw
            set-entry s2 0x1000 level=1 0x1_0000_1000_0083
            attach nic pasid=1 pgtt=ss did=1 ss=s2
            dma read nic pasid=1 0x1000
            expect fault 0x7a
            """),
        FaultCondition(0x7b, "scalable mode: the PASID entry's second-stage root SSPTPTR lies beyond HAW",
                       source: "VT-d spec 9.6 SSPTPTR; Linux dmar.c \"SM: Invalid second-level page table pointer\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            write 0x8000_0010 0x9000_0001        # root entry of bus 1: present, context table at 0x9000_0000
            write 0x9000_0000 0x9100_0009        # context entry of 01:00.0: P, PASIDE, PASID directory at 0x9100_0000
            write 0x9100_0000 0x9200_0001        # directory entry 0 (PASIDs 0-63): P, PASID table at 0x9200_0000
            write 0x9200_0040 0x1_0000_0000_0089 # PASID 1 entry: P, PGTT = 2, AW = 2, second-stage root at 2^48 (beyond HAW)
            write 0x9200_0048 0x1                # ... DID 1
            dma read nic pasid=1 0x1000
            expect fault 0x7b
            """),
        FaultCondition(0x80, "scalable mode: an IOVA not canonical for the first-stage width (48 or 57 bits)",
                       source: "VT-d spec 3.6; QEMU vtd_iova_fl_check_canonical (VTD_FR_FS_NON_CANONICAL)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma read nic pasid=1 0x8000_0000_0000
            expect fault 0x80
            """),
        FaultCondition(0x81, "scalable mode: a user request to a first-stage page with U/S = 0 on its path",
                       source: "VT-d spec 3.6.2; QEMU vtd_iova_to_flpte (VTD_FR_FS_PAGING_ENTRY_US)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K rw
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma read nic pasid=1 0x4000_0000
            expect fault 0x81
            """),
        FaultCondition(0x82, "scalable mode: an execute request to a page without execute right (removed from current specs; see README)",
                       source: "VT-d spec 3.6.2 (XD; earlier revisions); Linux dmar.c \"SM: No execute permission for request with PASID and ER=1\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K rwu
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma exec nic pasid=1 0x4000_0000
            expect fault 0x82
            """),
        FaultCondition(0x83, "scalable mode: pass-through (PGTT = 4) of an address beyond HAW",
                       source: "VT-d spec 3.6-3.7; Linux dmar.c \"SM: Address beyond the DMA hardware max\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            attach nic pasid=1 pgtt=pt did=1
            dma read nic pasid=1 0x1_0000_0000_0000
            expect fault 0x83
            """),
        FaultCondition(0x83, "scalable mode, second stage only: an input beyond the second-stage width (the walk's own 0x84 result is reported as this)",
                       source: "VT-d spec 3.7; Linux dmar.c \"SM: Address beyond the DMA hardware max\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=3
            map s2 0x0 -> 0x1_0000_0000 1M rw
            attach nic pasid=1 pgtt=ss did=1 ss=s2
            dma read nic pasid=1 0x80_0000_0000
            expect fault 0x83
            """),
        FaultCondition(0x85, "scalable mode: a write the effective rights refuse (first-stage R/W = 0, or a stage-2 W = 0), one check for walks, IOTLB and ATC hits",
                       source: "VT-d spec 3.6.2, 3.8; QEMU vtd_iova_to_flpte / vtd_iova_to_sspte (VTD_FR_SM_WRITE)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0x20_0000 4K ru
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma write nic pasid=1 0x4000_0000
            expect fault 0x85
            """),
        FaultCondition(0x86, "scalable mode: a read the effective rights refuse (a stage-2 R = 0 with W = 1)",
                       source: "VT-d spec 3.7.2, 3.8; Linux dmar.c \"SM: No read permission for Read/AtomicOp request\"",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s2 vtd-ss levels=4
            map s2 0x0 -> 0x1_0000_0000 1M w
            attach nic pasid=1 pgtt=ss did=1 ss=s2
            dma read nic pasid=1 0x1000
            expect fault 0x86
            """),
        FaultCondition(0x87, "scalable mode: the translated page overlaps the interrupt range 0xFEE0_0000-0xFEEF_FFFF",
                       source: "VT-d spec 3.15 (SGN.8, as QEMU quotes it); QEMU vtd_do_iommu_translate (VTD_FR_SM_INTERRUPT_ADDR)",
                       scenario: """
            vtd scalable haw=48
            device nic sid=01:00.0
            space s1 vtd-fs levels=4
            map s1 0x4000_0000 -> 0xfee0_0000 4K rwu
            attach nic pasid=1 pgtt=fs did=1 fs=s1
            dma write nic pasid=1 0x4000_0000
            expect fault 0x87
            """),
    ]
}
