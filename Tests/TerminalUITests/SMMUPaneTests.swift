import Testing
import IOMMUModel
import Scenario
@testable import TerminalUI

/// Panes 1-3 on `smmuv3-nested-basics` (Sources/Scenario/Bundled/SMMUv3NestedBasics.swift): `smmu oas=48`
/// makes a two-level stream table (SPLIT 8) at PA 0x8000_0000; s2's root is at 0x8000_1000 and its
/// tables follow; the level-2 STE array for StreamIDs 0x00-0xff comes after them at 0x8000_c000; the
/// guest's stage-1 tables sit at IPA 0x10_0000-0x10_3000 and its CD table at IPA 0x10_4000; stage 2 maps
/// IPA g to PA 0x1_0000_0000 + g. Step 6 is the cold DMA, step 7 the TLB hit, step 9 the TLBI, step 10
/// the fault.
@Suite struct SMMUStreamTablePaneTests {
    // STE fields per SMMUv3 spec 5.2: Config 0b111 = nested, S2VMID 1, S2TTB = s2's root; the walk
    // geometry from S2T0SZ = 16 (48-bit IPA), S2TG = 0 (4 KiB), S2SL0 = 2 (start at level 0). CD fields
    // per 5.4: ASID 2, TTB0 = the guest's stage-1 root (an IPA), T0SZ 16 / TG0 0 → levels 0-3. The STE
    // sits at the level-2 array 0x8000_c000 + StreamID 0x10 × 64 bytes (5.1, 5.2: an STE is 64 bytes).
    @Test func paneOneListsTheNestedSTEAndItsCD() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6)
        #expect(c.pasidPane.title == "Stream table")
        #expect(c.pasidPane.titleAccessory.plainText == "2-level SPLIT 8 at 0x8000_0000")
        let lines = paneLines(c.pasidPane, 52, 6)
        #expect(lines[0] == "   stream      V Config tag     root         walk")
        #expect(lines[1] == "   nic 0x10    1 nested vmid 1  0x8000_1000  4K L0-3")
        #expect(lines[2] == "   └ CD 0      1        asid 2  0x10_0000    4K L0-3")
        // The fields the columns leave out, for the selected STE (S1ContextPtr is an IPA: Config = nested).
        #expect(lines[4] == " nic STE @0x8000_c400 · S1ContextPtr 0x10_4000 (IPA)")
        #expect(lines[5] == " S1CDMax 0 · S1Fmt linear · S2T0SZ 16 · S2SL0 2")
        // Before the STE is written, the two-level table's L1STD for the StreamID is still 0 (Span = 0).
        let before = try bundledController("smmuv3-nested-basics", at: 1)
        #expect(paneLines(before.pasidPane, 52, 6)[1] == "   nic 0x10    - (none) -       no STE yet   -")
        // The header names the architecture, the StreamID and (S1CDMax = 0: no substreams) CD 0.
        #expect(headerText(c).contains("· SMMUv3 · nic sid 0x10 · CD 0, no SSID"))
    }

    // Raw dwords as `nestscope run` prints the STE it wrote: dw0 = S1ContextPtr 0x10_4000 | Config 7 << 1 |
    // V = 0x10_400f; dw1 = 0xd4 (S1CIR = S1COR = WBRA 01, S1CSH = inner shareable 11, as Linux
    // arm_smmu_make_cdtable_ste writes them); dw2 = 0x44d_3590_0000_0001: S2VMID 1 [15:0], S2T0SZ 16
    // [37:32], S2SL0 2 [39:38], S2IR0/S2OR0 01, S2SH0 11, S2TG 0, S2PS 5 (48 bits) [50:48], S2AA64 [51],
    // S2PTW [54], S2R [58] (SMMUv3 5.2; Linux arm_smmu_make_s2_domain_ste); dw3 = S2TTB 0x8000_1000.
    @Test func rawShowsTheDwords() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6)
        #expect(c.pasidPane.handle(.char("r")) == .handled)
        let lines = paneLines(c.pasidPane, 52, 6)
        #expect(lines[0] == "   stream         V dw0              dw1")
        #expect(lines[1] == "   nic 0x10       1 0x10400f         0xd4")
        #expect(lines[4] == " nic STE @0x8000_c400 0x10400f 0xd4")
        #expect(lines[5] == " 0x44d359000000001 0x80001000 0x0 0x0 0x0 0x0")
        _ = c.pasidPane.handle(.char("r"))
        #expect(paneLines(c.pasidPane, 52, 6)[1].contains("nested"))
    }

    // Enter decodes every field (smmu-ste / smmu-cd field tables); the L1STD for StreamIDs 0x00-0xff is
    // L2Ptr 0x8000_c000 | Span 9 (SPLIT + 1, Linux arm_smmu_write_strtab_l1_desc).
    @Test func enterDecodesTheSTEAndTheCD() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6)
        guard case .showDetail(let title, let text) = c.pasidPane.handle(.enter) else { Issue.record("no detail"); return }
        #expect(title == "STE of nic")
        #expect(text.contains("L1STD at 0x8000_0000 = 0x8000c009"))
        #expect(text.contains("STE at PA 0x8000_c400"))
        #expect(text.contains("config : 7"))
        #expect(text.contains("s2vmid : 1"))
        _ = c.pasidPane.handle(.char("j"))
        guard case .showDetail(let cdTitle, let cd) = c.pasidPane.handle(.enter) else { Issue.record("no detail"); return }
        #expect(cdTitle == "CD 0 of nic")
        #expect(cd.contains("at IPA 0x10_4000 in guest memory, PA 0x1_0010_4000 through stage 2"))
        #expect(cd.contains("asid : 2"))
        #expect(cd.contains("t0sz : 16"))
        // d opens the same words in the decoder as smmu-cd.
        #expect(c.pasidPane.decoderRequest()?.kind == "smmu-cd")
    }
}

@Suite struct SMMUWalkPaneTests {
    // A cold nested walk of a 4-level stage 1 over a 4-level stage 2 reads (4+1)(4+1)−1 = 24 descriptors
    // (design.md; the scenario's `expect walk-reads=24`, `WalkTrace.walkReads`). Arm numbers levels from
    // the start level down: S2 L0..L3 across, TTB0 root, L0→..L2→ and the output page down (Arm ARM
    // VMSAv8-64 translation). The CD's own stage-2 walk (row -1) is configuration and sits on the line
    // above, with the L1STD and the STE before it (SMMUv3 3.3). Entry values: stage-2 table descriptors
    // = next table | 0b11; the stage-2 page = PA | XN (bits 54:53, io-pgtable-arm ARM_LPAE_PTE_XN) | AF |
    // SH 11 | S2AP 11 (RW) | MemAttr 0xf | 0b11 = PA | 0x60_0000_0000_07ff; stage-1 tables = next IPA | 0b11.
    @Test func coldWalkIsTheTwentyFourReadGridWithArmLabels() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6, 200, 60)
        #expect(c.walkPane.titleAccessory.plainText == "read 0x4000_0000 · 24 table reads, 0 cached (cold)")
        let lines = paneLines(c.walkPane, 126, 12)
        #expect(lines[0] == " config L1STD ●  STE ●  S2 for CD: L0 ● L1 ● L2 ● L3 ●  CD ●")
        #expect(lines[1] == " stage-1 step  IPA        S2 L0          S2 L1          S2 L2          S2 L3                  S1 entry")
        #expect(lines[2] == " TTB0 root     0x10_0000  ● 0x8000_2003  ● 0x8000_3003  ● 0x8000_4003  ● 0x60_0001_0010_07ff  L0 ● 0x10_1003")
        #expect(lines[3] == " L0→           0x10_1000  ● 0x8000_2003  ● 0x8000_3003  ● 0x8000_4003  ● 0x60_0001_0010_17ff  L1 ● 0x10_2003")
        #expect(lines[4] == " L1→           0x10_2000  ● 0x8000_2003  ● 0x8000_3003  ● 0x8000_4003  ● 0x60_0001_0010_27ff  L2 ● 0x10_3003")
        #expect(lines[5] == " L2→           0x10_3000  ● 0x8000_2003  ● 0x8000_3003  ● 0x8000_4003  ● 0x60_0001_0010_37ff  L3 ● 0x60_0000_0020_0f47")
        #expect(lines[6] == " page          0x20_0000  ● 0x8000_2003  ● 0x8000_3003  ● 0x8000_5003  ● 0x60_0001_0020_07ff")
        #expect(lines[7] == " → PA 0x1_0020_0000 RW-U · 4K page · walked")
        #expect(lines[8] == " TTB0 root S2 L0: #8/31 · 0x8000_2003 read at PA 0x8000_1000")
        #expect(lines[11] == " ● memory read  ○ cache hit  ! stale  ✗ fault  · not read")
        var marks = 0
        for r in 2...6 { marks += lines[r].filter { $0 == "●" }.count }
        #expect(marks == 24)
        #expect(c.walkPane.grid?.referenceCount == 24)
        #expect(c.walkPane.record?.trace.walkReads == 24)
    }

    // At 120×40 the walk pane is 62 columns wide: marks only, the same Arm labels.
    @Test func narrowWalkKeepsArmLabels() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6)
        let lines = paneLines(c.walkPane, 64, 13)
        #expect(lines[1] == " stage-1 step  IPA        S2 L0  S2 L1  S2 L2  S2 L3  S1 entry")
        #expect(lines[2] == " TTB0 root     0x10_0000    ●      ●      ●      ●    L0 ●")
        #expect(lines[6] == " page          0x20_0000    ●      ●      ●      ●")
    }

    // Step 7: the TLB answers VA → PA; the STE and CD still come first, from the configuration cache,
    // because they give the VMID and ASID the TLB entry is tagged with (SMMUv3 3.3, 3.9).
    @Test func tlbHitShowsNoWalkAndTheCachedConfiguration() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 7, 200, 60)
        #expect(c.walkPane.titleAccessory.plainText == "read 0x4000_0008 · TLB hit, 0 table reads")
        let lines = paneLines(c.walkPane, 126, 12)
        #expect(lines[0] == " config STE ○  CD ○")
        #expect(lines[1].hasPrefix(" ○ TLB hit: 0x4000_0008 → 0x1_0020_0008."))
        #expect(lines.contains(" → PA 0x1_0020_0008 RW-U · 4K page · from the TLB"))
        #expect(c.walkPane.record?.trace.walkReads == 0)
    }

    // Step 8: the stage-1 walk cache holds the level-2 table descriptor (the L1→ row's entry), the
    // stage-2 walk cache the output walk's level-2 descriptor: 2 reads (the scenario's expect).
    @Test func walkCachesShowAsHitsWithTheSMMUsNames() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 8, 200, 60)
        #expect(c.walkPane.titleAccessory.plainText == "read 0x4000_1000 · 2 table reads, 2 cached")
        let lines = paneLines(c.walkPane, 126, 12)
        #expect(lines[4].hasSuffix("L2 ○ 0x10_3003"))
        #expect(lines[6].hasPrefix(" page          0x20_1000  ·      ·      ○ 0x8000_5003  ● "))
        #expect(lines[8] == " L1→ S1 entry: #3/6 · 0x10_3003 from the WC-S1")
    }

    // The configuration line is selectable: k goes up to it, l to the STE; Enter decodes the STE as
    // memory holds it (smmu-ste), d opens it in the decoder. A stage-1 cell decodes as an LPAE
    // descriptor with the CD's granule and the cell's Arm level.
    @Test func configurationReferencesDecode() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6)
        let w = c.walkPane
        _ = w.handle(.char("k"))
        _ = w.handle(.char("l"))
        #expect(w.cursor.row == -1 && w.cursor.column == 1)
        guard case .showDetail(let title, let text) = w.handle(.enter) else { Issue.record("no detail"); return }
        #expect(title == "config · STE")
        #expect(text.contains("STE of StreamID 0x10, dword 0 = 0x10_400f, read at PA 0x8000_c400"))
        #expect(text.contains("smmu-ste"))
        #expect(w.decoderRequest()?.kind == "smmu-ste")
        _ = w.handle(.char("j"))
        _ = w.handle(.end)
        _ = w.handle(.home)
        for _ in 0..<4 { _ = w.handle(.char("l")) }
        let req = try #require(w.decoderRequest())
        #expect(req.kind == "lpae")
        #expect(req.params == ["stage": "1", "granule": "4k", "level": "0"])
        #expect(req.words == [0x10_1003])
    }
}

@Suite struct SMMUCachesPaneTests {
    // After the cold walk: one TLB entry, nested (stage 1 + stage 2), tagged VMID 1 and ASID 2 (the STE's
    // S2VMID, the CD's ASID: SMMUv3 3.9.1), leaf level 3, 4 KiB.
    @Test func tlbTabAfterTheColdWalk() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 6)
        let p = c.cachesPane
        #expect(p.tabIDs.contains("evtq"))
        #expect(p.titleAccessory.plainText == "[TLB] WC-S1 WC-S2 S2-TW STE CD L1 ATC evtq cmdq")
        let lines = paneLines(p, 52, 6, focused: false)
        #expect(lines[0] == "   VMID ASID VA/IPA       size L stage → PA")
        #expect(lines[1] == "      1    2 0x4000_0000  4K   3 S1+S2 0x1_0020_0000")
        #expect(lines[5] == " 1/512 entries · hits 0 · misses 1")
        // The walk caches keep the table descriptors of the walk (levels 0-2 of stage 1, by VA).
        p.selectTab(named: "WC-S1")
        let wc = paneLines(p, 52, 6, focused: false)
        #expect(wc[1] == "      1    2 2 0x4000_0000+2M      0x1_0010_3000")
        #expect(wc[3] == "      1    2 0 0x0+512G            0x1_0010_1000")
        p.selectTab(named: "L1")
        #expect(paneLines(p, 52, 3, focused: false)[1] == "   L1STD 0x0-0xff          0 0x8000c009")
    }

    // Step 7: the hit counts on the TLB.
    @Test func tlbHitCounts() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 7)
        #expect(paneLines(c.cachesPane, 52, 6, focused: false)[5] == " 1/512 entries · hits 1 · misses 1")
    }

    // Step 10's fault as arm-smmu-v3's decoded dump prints it (trace_formats.md §4, arm_smmu_dump_event):
    // a stage-1 F_TRANSLATION (0x10) on an unprivileged data read of the input address, no SubstreamID.
    @Test func eventQueueReadsLikeTheKernelLog() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 10)
        c.cachesPane.selectTab(named: "evtq")
        let lines = paneLines(c.cachesPane, 100, 5, focused: false)
        #expect(lines[1] == "     0 event: F_TRANSLATION client: nic sid: 0x10 ssid: 0x0 iova: 0x40001000 ipa: 0x0")
        #expect(lines[3] == "   unpriv data read s1 \"Input address caused fault\" stag: 0x0")
        guard case .showDetail(_, let text) = c.cachesPane.handle(.enter) else { Issue.record("no detail"); return }
        #expect(text.contains("event 0x10 received:"))
        #expect(text.contains("\t0x0000000040001000"))   // dw2: the input address
    }

    // Step 9 sent TLBI_NH_VA and CMD_SYNC: the first removed the one leaf entry for 0x4000_1000.
    @Test func commandQueueTabShowsTheLastBatch() throws {
        let c = try bundledController("smmuv3-nested-basics", at: 9)
        c.cachesPane.selectTab(named: "cmdq")
        let lines = paneLines(c.cachesPane, 80, 5, focused: false)
        #expect(lines[1] == "    1 CMD_TLBI_NH_VA vmid=1 asid=2 leaf=1 addr=0x40001000  removed 1")
        #expect(lines[2] == "    2 CMD_SYNC                                             completed")
        #expect(lines[4] == " last batch: 2 commands · CMD_SYNCs so far 1")
    }
}

/// `smmuv3-range-tlbi` at step 7: a leaf-only range TLBI with TTL = 3 after the guest replaced a level-1
/// table leaves both level-2 block entries in the TLB and the walk cache's level-1 descriptor
/// (SMMUv3 4.4.1.1: TTL and Leaf limit what a command must remove); the scenario expects 3 stale.
@Suite struct SMMURangeTLBIStaleTests {
    @Test func staleEntriesAreMarkedAndExplained() throws {
        let c = try bundledController("smmuv3-range-tlbi", at: 7)
        let p = c.cachesPane
        let lines = paneLines(p, 52, 6, focused: false)
        #expect(lines[1] == " !    1    5 0x4020_0000  4K   2 S1+S2 0x1_0060_0000")
        #expect(lines[2] == " !    1    5 0x4000_0000  4K   2 S1+S2 0x1_0040_0000")
        #expect(lines[5] == " 2/512 entries · hits 0 · misses 10 · 2 stale")
        // The TLB and WC-S1 tabs are drawn as alerts.
        #expect(Set(p.tabs.alerts.map { p.tabIDs[$0] }) == ["tlb", "walk-s1"])
        #expect(headerText(c).contains("3 stale"))
        c.app.focus(2)
        guard case .showDetail(let title, let text) = p.handle(.enter) else { Issue.record("no detail"); return }
        #expect(title == "stale TLB entry")
        #expect(text.contains("memory now:   fault 0x10 (F_TRANSLATION)"))
        #expect(text.contains("changed at:   step 6"))
        #expect(text.contains("CMD_TLBI_NH_VA vmid=1 asid=5") && text.contains("addr=0x40200000") && !text.contains("leaf=1"))
        p.selectTab(named: "WC-S1")
        let wc = paneLines(p, 52, 8, focused: false)
        #expect(wc[1] == " !    1    5 1 0x4000_0000+1G      0x1_0010_5000")
    }

    // f sends the checker's fix as `cmd raw DW0 DW1`. CMD_TLBI_NH_VA: opcode 0x12 in dw0[7:0], VMID in
    // dw0[47:32], ASID in dw0[63:48]; Leaf in dw1[0], the address in dw1[63:12] (SMMUv3 4.4.1.1; Linux
    // CMDQ_TLBI_0_VMID/ASID, CMDQ_TLBI_1_LEAF, CMDQ_TLBI_1_VA_MASK). Sent, the entry is gone.
    @Test func fSendsTheFixCommand() throws {
        let c = try bundledController("smmuv3-range-tlbi", at: 7)
        guard case .runCommand(let line) = c.cachesPane.handle(.char("f")) else { Issue.record("no command"); return }
        // Leaf = 0: a Leaf = 1 TLBI keeps the stale walk-cache entry the next DMA would refill the TLB
        // from (SMMUv3 4.4.1.1 Leaf), so the proven fix also removes the WC-S1 entry over 0x4000_0000.
        #expect(line == "cmd raw 0x5000100000012 0x40200000")
        _ = c.runCommand(line)
        #expect(!c.snapshot.stale.contains { $0.entry.contains("va=0x4020_0000") })
        #expect(c.snapshot.stale.count == 1)
    }

    // The `i` builder on SMMUv3 builds commands. What Linux sends now (the scenario's step 9): TLBI_NH_VA
    // over 1 GiB = (NUM 0 + 1) × 2^SCALE 18 × 4 KiB (TG 1), TTL 0, Leaf 0 — it reaches the level-2 blocks
    // and the table descriptor, so the preview misses no stale entry.
    @Test func builderPreviewsAnSMMUCommand() throws {
        let c = try bundledController("smmuv3-range-tlbi", at: 7)
        c.openInvalidationBuilder()
        let b = try #require(c.app.modal as? InvalidationBuilder)
        #expect(b.architecture.name == "smmuv3")
        #expect(b.submitLine.hasPrefix("cmd raw "))
        try b.setField("leaf", 0)
        try b.setField("scale", 18)
        try b.setField("tg", 1)
        try b.setField("addr", 0x4000_0000)
        #expect(b.preview.accepted)
        #expect(b.preview.removedStale.count == 3)
        #expect(b.preview.missed.isEmpty)
        // TG != 0 with NUM = SCALE = TTL = 0 is Reserved (SMMUv3 4.4.1.1): the preview says the SMMU refuses it.
        try b.setField("scale", 0)
        #expect(!b.preview.accepted)
        #expect(b.preview.error?.hasPrefix("CERROR_ILL") == true)
        // From a selected stale entry in pane 3, the builder starts from that entry's fix.
        c.app.closeModal()
        c.app.focus(2)
        c.cachesPane.selectTab(named: "walk-s1")
        let fix = try #require(c.cachesPane.selectedFinding)
        c.openInvalidationBuilder()
        let fromFix = try #require(c.app.modal as? InvalidationBuilder)
        #expect(fromFix.words == fix.fix.entries.first)
        #expect(fromFix.preview.removedStale.contains(fix.entry))
    }
}
