import IOMMUModel

/// The SMMUv3 events: how the model raises each (IHI0070 7.3; names as Linux's arm-smmu-v3 event dump
/// prints them), and why it never raises the rest. Code 0 stands for STE.Config = abort, which
/// terminates the transaction without an event.
extension FaultCatalog {
    static let smmuv3 = FaultCatalog(
        architecture: "smmuv3", title: "SMMUv3", noun: "event",
        names: [(0, "ABORT (no event)")] + SMMUv3EventID.allCases.map { ($0.rawValue, $0.name) },
        raised: smmuv3Raised,
        unreachable: [],
        neverRaised: [
            FaultExclusion(0x1, "every transaction the model makes (read, write, instruction fetch, ATS request) is supported"),
            FaultExclusion(0xb, "the model has no external aborts (every address reads)"),
        ])

    static let smmuv3Raised: [FaultCondition] = [
        FaultCondition(0x0, "STE.Config = abort (0b0xx): the transaction is terminated and no event is recorded",
                       source: "IHI0070 5.2 STE.Config, 7.3; Linux STRTAB_STE_0_CFG_ABORT",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            ste nic config=abort
            dma read nic 0x4000_0000
            expect fault 0
            """),
        FaultCondition(0x2, "the StreamID is at or above 2^LOG2SIZE of the stream table",
                       source: "IHI0070 7.3 C_BAD_STREAMID; QEMU smmu_find_ste",
                       scenario: """
            smmu oas=48 sid-bits=8
            device nic sid=0x100
            dma read nic 0x4000_0000
            expect fault 0x2
            """),
        FaultCondition(0x2, "two-level stream table: the StreamID's L1STD has Span = 0, a reserved Span, or the StreamID is beyond its level-2 array",
                       source: "IHI0070 5.1, 7.3 C_BAD_STREAMID; QEMU smmu_find_ste",
                       scenario: """
            smmu oas=48
            device nic sid=0x100
            dma read nic 0x4000_0000
            expect fault 0x2
            """),
        FaultCondition(0x3, "the L1STD or the STE lies beyond the OAS",
                       source: "IHI0070 7.3 F_STE_FETCH (the model's fetch error: an address beyond the OAS)",
                       scenario: """
            smmu oas=40
            device nic sid=0x100
            write 0x8000_0008 0x100_0000_0001     # L1STD 1 (StreamIDs 0x100-0x1ff): Span 1, level-2 array at 2^40
            dma read nic 0x4000_0000
            expect fault 0x3
            """),
        FaultCondition(0x4, "the STE is invalid (V = 0) or ILLEGAL (a reserved or unsupported field: 5.2 SteIllegal)",
                       source: "IHI0070 5.2, 7.3 C_BAD_STE; QEMU decode_ste",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1
            cd nic asid=1 s1=s1
            ste-set nic v=0
            dma read nic 0x4000_0000
            expect fault 0x4
            """),
        FaultCondition(0x4, "the STE sets S1STALLD, which the modelled SMMU (STALL_MODEL = 0b01) makes ILLEGAL",
                       source: "IHI0070 5.2 SteIllegal; QEMU smmuv3_init_regs (STALL_MODEL)",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1
            cd nic asid=1 s1=s1
            ste-set nic s1stalld=1
            dma read nic 0x4000_0000
            expect fault 0x4
            """),
        FaultCondition(0x5, "an ATS Translation Request to a stream with EATS = 0 or Config = bypass",
                       source: "IHI0070 7.3 F_BAD_ATS_TREQ, 3.9.1",
                       scenario: """
            smmu oas=48 ats=on
            device nic sid=0x10 ats
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1 eats=0
            cd nic asid=1 s1=s1
            dma read nic 0x4000_0000
            expect fault 0x5
            """),
        FaultCondition(0x7, "SMMU_CR0.ATSCHK = 1 (Linux sets it with ATS): a Translated transaction from the device's ATC to a stream whose STE now has EATS = 0",
                       source: "IHI0070 3.9.1.3 (Translated transactions), 7.3.8 F_TRANSL_FORBIDDEN; Linux arm_smmu_device_reset (CR0_ATSCHK)",
                       scenario: """
            smmu oas=48 ats=on
            device nic sid=0x10 ats
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1 eats=1
            cd nic asid=1 s1=s1
            dma read nic 0x4000_0000          # the Translation Request fills the device's ATC
            ste-set nic eats=0                # ATS disabled in the STE; the ATC is not invalidated
            cmd cfgi-ste sid=0x10 ; sync
            dma read nic 0x4000_0000
            expect fault 0x7
            """, staleCache: "atc"),
        FaultCondition(0x7, "SMMU_CR0.ATSCHK = 1: a Translated transaction to a stream whose STE is now Config = bypass (its effective EATS is 0b00)",
                       source: "IHI0070 3.9.1.3, 5.2 Config, 7.3.8 F_TRANSL_FORBIDDEN",
                       scenario: """
            smmu oas=48 ats=on
            device nic sid=0x10 ats
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1 eats=1
            cd nic asid=1 s1=s1
            dma read nic 0x4000_0000
            ste nic config=bypass             # the STE rewritten and its cache invalidated, but no ATC_INV
            cmd cfgi-ste sid=0x10 ; sync
            dma read nic 0x4000_0000
            expect fault 0x7
            """, staleCache: "atc"),
        FaultCondition(0x6, "no SubstreamID while S1CDMax > 0 and S1DSS = terminate, or SubstreamID 0 with S1DSS = SSID0",
                       source: "IHI0070 5.2 S1DSS, 7.3 F_STREAM_DISABLED",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1 cdmax=4 s1dss=terminate
            cd nic ssid=1 asid=1 s1=s1
            dma read nic 0x4000_0000
            expect fault 0x6
            """),
        FaultCondition(0x8, "a SubstreamID at or above 2^S1CDMax, with substreams disabled, to a stage-1-bypassing STE, or through an L1CD with V = 0",
                       source: "IHI0070 7.3 C_BAD_SUBSTREAMID; QEMU smmu_get_cd / decode_ste",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1 cdmax=4
            cd nic ssid=1 asid=1 s1=s1
            dma read nic pasid=16 0x4000_0000
            expect fault 0x8
            """),
        FaultCondition(0x9, "the L1CD or the CD lies beyond the OAS",
                       source: "IHI0070 7.3 F_CD_FETCH",
                       scenario: """
            smmu oas=40
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1 cd-table-at=0x100_0000_0000
            dma read nic 0x4000_0000
            expect fault 0x9
            """),
        FaultCondition(0xa, "the CD is invalid (V = 0) or ILLEGAL (5.4 CdIllegal: TTB beyond IPS, reserved TG/T0SZ, CD.A = 0, ...)",
                       source: "IHI0070 5.4, 7.3 C_BAD_CD; QEMU decode_cd",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1
            cd nic asid=1 s1=s1
            cd-set nic v=0
            dma read nic 0x4000_0000
            expect fault 0xa
            """),
        FaultCondition(0x10, "stage 1: an invalid descriptor, an input outside the TTBx range, or EPDx = 1 (CLASS = IN)",
                       source: "IHI0070 7.3 F_TRANSLATION; Arm ARM VMSAv8-64; QEMU smmu_ptw_64_s1",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            ste nic config=s1
            cd nic asid=1 s1=s1
            dma read nic 0x5000_0000
            expect fault 0x10
            """),
        FaultCondition(0x10, "stage 2: an invalid descriptor or an IPA outside the S2T0SZ range (S2 = 1, the IPA reported)",
                       source: "IHI0070 7.3 F_TRANSLATION; QEMU smmu_ptw_64_s2",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s2 arm-s2 granule=4K ia=48
            map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
            ste nic config=s2 s2=s2 vmid=1
            dma read nic 0x100_0000
            expect fault 0x10
            """),
        FaultCondition(0x11, "an output or table address beyond IPS/S2PS; with Config = bypass an input beyond the OAS, with stage 1 bypassed one beyond the IAS",
                       source: "IHI0070 3.4, 7.3 F_ADDR_SIZE",
                       scenario: """
            smmu oas=40
            device nic sid=0x10
            ste nic config=bypass
            dma read nic 0x100_0000_0000
            expect fault 0x11
            """),
        FaultCondition(0x12, "a descriptor with AF = 0 while CD.AFFD / STE.S2AFFD = 0 (no hardware access-flag update)",
                       source: "IHI0070 7.3 F_ACCESS; QEMU smmu_ptw_64_s1 (SMMU_PTW_ERR_ACCESS)",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K rwu
            set-entry s1 0x4000_0000 level=3 0x20_0003   # a page descriptor with AF = 0
            ste nic config=s1
            cd nic asid=1 s1=s1
            dma read nic 0x4000_0000
            expect fault 0x12
            """),
        FaultCondition(0x13, "stage 1: a write to a read-only page (AP), a user access to a privileged page, an instruction fetch to XN",
                       source: "IHI0070 7.3 F_PERMISSION; QEMU smmu_ptw_64_s1 (SMMU_PTW_ERR_PERMISSION)",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s1 arm-s1 granule=4K ia=48
            map s1 0x4000_0000 -> 0x20_0000 8K ru
            ste nic config=s1
            cd nic asid=1 s1=s1
            dma write nic 0x4000_0000
            expect fault 0x13
            """),
        FaultCondition(0x13, "stage 2: an access S2AP refuses (S2 = 1), also for a CD or stage-1 table fetch through stage 2 (CLASS = CD / TT)",
                       source: "IHI0070 7.3 F_PERMISSION; QEMU smmu_ptw_64_s2",
                       scenario: """
            smmu oas=48
            device nic sid=0x10
            space s2 arm-s2 granule=4K ia=48
            map s2 0x0 -> 0x1_0000_0000 16M r page=4K
            ste nic config=s2 s2=s2 vmid=1
            dma write nic 0x1000
            expect fault 0x13
            """),

    ]
}
