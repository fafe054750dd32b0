import Foundation
import Testing
import IOMMUModel
import Scenario
@testable import TerminalUI

/// Each pane drawn alone for a known state of the tour (TourFixtures.swift lists the steps).
/// Addresses come from the scenario: host tables are handed out from the host pool at HPA
/// 0x8000_0000 in allocation order (root table, then s2's root at 0x8000_1000, ...; Machine
/// `hostTables`), guest tables from GPA 0x10_0000 (`guest-tables s2 at=0x10_0000`), and stage 2
/// maps GPA g to HPA 0x1_0000_0000 + g.
@Suite struct TourPaneTests {
    // PASID table entry fields per VT-d spec 9.6 (Linux pasid.h): PGTT 3 = nested, the first-stage
    // root is a GPA in nested mode (the guest's table), the second-stage root an HPA, AW 2 = 4 levels,
    // FSPM 0 = 4-level first stage.
    @Test func pasidPaneListsTheNestedEntryOfPASID5() throws {
        let c = try tourController(at: 4)
        let lines = paneLines(c.pasidPane, 76, 4)
        #expect(lines[0] == " context P DTE PASIDE · PASID dir 0x8000_d000 · PDTS 0 · at 0x8000_c200")
        #expect(lines[1] == "   PASID P PGTT    DID FS root                   lvl SS root             lvl")
        #expect(lines[2] == "       5 1 nested    2 0x10_0000 GPA               4 0x8000_1000           4")
        #expect(c.pasidPane.scopeDefaults.first { $0.0 == "pasid" }?.1 == 5)
        #expect(headerText(c).contains("nic 00:02.0 · PASID 5"))
        // The context entry sets DTE because the NIC has ATS (the tour's step 4 note; VT-d 9.4).
        #expect(lines[0].contains("DTE"))
    }

    // val0 = SSPTPTR 0x8000_1000 | PGTT 3 << 6 | AW 2 << 2 | P = 0x8000_10c9; val1 = DID 2;
    // val2 = FSPTPTR 0x10_0000 (VT-d spec 9.6 bit positions; the same words `nestscope run tour` prints).
    @Test func rawHexShowsVal0ToVal2() throws {
        let c = try tourController(at: 4)
        #expect(c.pasidPane.handle(.char("r")) == .handled)
        let lines = paneLines(c.pasidPane, 70, 3)
        #expect(lines[2].hasPrefix("       5 1 0x800010c9"))
        #expect(lines[2].contains(" 0x2 "))
        #expect(lines[2].hasSuffix("0x100000"))
        _ = c.pasidPane.handle(.char("r"))
        #expect(paneLines(c.pasidPane, 70, 3)[2].contains("nested"))
    }

    @Test func enterOnAPASIDEntryDecodesEveryField() throws {
        let c = try tourController(at: 4)
        guard case .showDetail(let title, let text) = c.pasidPane.handle(.enter) else { Issue.record("no detail"); return }
        #expect(title == "PASID 5 of nic")
        #expect(text.contains("Entry at HPA 0x8000_e140"))      // table 0x8000_e000 + 5 × 64 bytes
        #expect(text.contains("pgtt : 3"))
        #expect(text.contains("nested"))
    }

    @Test func beforeTheSetupThePanesSayWhatIsMissing() throws {
        let c = try tourController(at: 0)
        #expect(paneLines(c.pasidPane, 60, 3).joined().contains("no IOMMU yet"))
        #expect(paneLines(c.walkPane, 60, 6).joined(separator: " ").contains("No DMA yet"))
        #expect(paneLines(c.logPane, 60, 2)[0].contains("nothing applied yet"))
        #expect(headerText(c).hasPrefix(" NestScope · tour · step 0/12 · no IOMMU yet"))
    }

    // A cold walk of a 4-level first stage over a 4-level second stage makes (4+1)(4+1)−1 = 24
    // references (design.md; the tour's `expect walk-reads=24`): five rows — the FS root and the
    // three lower tables as GPAs, then the output page — of four stage-2 reads, plus four
    // stage-1 entries. Entry values: stage-1 non-leaf = next table | P | R/W | U/S (x86 bits 0-2),
    // the leaf has XD (bit 63) since the map is `rwu` without x; stage-2 non-leaf = table | R W X
    // (VT-d 9.8 bits 0-2), stage-2 leaf = HPA | R | W (the `rw` map).
    @Test func walkAfterStep5IsTheColdTwentyFourReferenceGrid() throws {
        let c = try tourController(at: 5, 200, 60)
        let spans = c.walkPane.titleAccessory.plainText
        #expect(spans == "read 0x4000_0000 · 24 table reads, 0 cached (cold)")
        let lines = paneLines(c.walkPane, 126, 11)
        #expect(lines[0] == " config root ●  context ●  PASID dir ●  PASID entry ●")
        #expect(lines[1] == " stage-1 step  GPA        SS L4          SS L3          SS L2          SS L1            FS entry")
        #expect(lines[2] == " FS root       0x10_0000  ● 0x8000_2007  ● 0x8000_3007  ● 0x8000_4007  ● 0x1_0010_0003  L4 ● 0x10_1007")
        #expect(lines[3] == " L4→           0x10_1000  ● 0x8000_2007  ● 0x8000_3007  ● 0x8000_4007  ● 0x1_0010_1003  L3 ● 0x10_2007")
        #expect(lines[4] == " L3→           0x10_2000  ● 0x8000_2007  ● 0x8000_3007  ● 0x8000_4007  ● 0x1_0010_2003  L2 ● 0x10_3007")
        #expect(lines[5] == " L2→           0x10_3000  ● 0x8000_2007  ● 0x8000_3007  ● 0x8000_4007  ● 0x1_0010_3003  L1 ● 0x8000_0000_0020_0007")
        #expect(lines[6] == " page          0x20_0000  ● 0x8000_2007  ● 0x8000_3007  ● 0x8000_5007  ● 0x1_0020_0003")
        #expect(lines[7] == " → HPA 0x1_0020_0000 RW-U · 4K page · walked")
        #expect(lines[10] == " ● memory read  ○ cache hit  ! stale  ✗ fault  · not read")
        // Every one of the 24 cells is a memory read (● in role `miss`), none from a cache (○).
        let roles = paneRoles(c.walkPane, 126, 11, focused: false)
        var marks = 0
        for r in 2...6 {
            for (x, ch) in Array(lines[r]).enumerated() where ch == "●" || ch == "○" {
                marks += 1
                #expect(ch == "●" && Array(roles[r])[x] == "-")
            }
        }
        #expect(marks == 24)
        #expect(c.walkPane.grid?.referenceCount == 24)
    }

    @Test func narrowWalkKeepsTheGridWithMarksOnly() throws {
        let c = try tourController(at: 5)
        let lines = paneLines(c.walkPane, 64, 11)
        #expect(lines[2] == " FS root       0x10_0000    ●      ●      ●      ●    L4 ●")
        #expect(lines[6] == " page          0x20_0000    ●      ●      ●      ●")
    }

    // Step 7 (0x4000_1000, the neighbouring page): the PWC-S1 holds the L2 entry (PDE) whose table
    // is already an HPA, so rows FS root..L3→ are skipped; the L1 entry is read from memory; the
    // output GPA 0x20_1000 resumes from the PWC-S2's L2 entry and reads one stage-2 entry: 2 memory
    // reads (the tour's `expect walk-reads=2`).
    @Test func walkAfterStep7UsesThePagingStructureCaches() throws {
        let c = try tourController(at: 7, 200, 60)
        #expect(c.walkPane.titleAccessory.plainText == "read 0x4000_1000 · 2 table reads, 2 cached")
        let lines = paneLines(c.walkPane, 126, 11)
        #expect(lines[0] == " config context ○  PASID entry ○")
        #expect(lines[4] == " L3→           -          ·      ·      ·              ·                L2 ○ 0x10_3007")
        #expect(lines[5] == " L2→           -          ·      ·      ·              ·                L1 ● 0x8000_0000_0020_1007")
        #expect(lines[6] == " page          0x20_1000  ·      ·      ○ 0x8000_5007  ● 0x1_0020_1003")
        #expect(c.walkPane.record?.trace.walkReads == 2)
    }

    // Step 12: the cleared PTE faults with reason 0x71, "SM: Present bit in first-level paging
    // entry is clear" (Linux dmar.c dma_remap_sm_fault_reasons); the cell is marked ✗ in `fault`.
    @Test func walkAfterStep12MarksTheFaultingEntry() throws {
        let c = try tourController(at: 12, 200, 60)
        let lines = paneLines(c.walkPane, 126, 11)
        #expect(lines[5].hasSuffix("L1 ✗ 0x0"))
        #expect(lines[7] == " ✗ fault 0x71: SM: Present bit in first-level paging entry is clear")
        let roles = paneRoles(c.walkPane, 126, 11, focused: false)
        let x = try #require(lines[5].firstIndex(of: "✗")).utf16Offset(in: lines[5])
        #expect(Array(roles[5])[x] == "x")
        // The cursor starts on the fault, and the line under the grid says where it was read.
        #expect(c.walkPane.cursor.row == 3 && c.walkPane.cursor.column == 4)
        #expect(lines[8] == " L2→ FS entry: #14/14 · 0x0 read at GPA 0x10_3008 (HPA 0x1_0010_3008)")
    }

    // Step 9 is served by the NIC's own ATC from the stale entry: no IOMMU reference at all.
    @Test func walkAfterStep9SaysTheStaleATCAnswered() throws {
        let c = try tourController(at: 9)
        #expect(c.walkPane.titleAccessory.plainText == "write 0x4000_1000 · ATC hit, 0 table reads")
        let text = paneLines(c.walkPane, 126, 11).joined(separator: "\n")
        #expect(text.contains("! ATC hit: 0x4000_1000 → 0x1_0020_1000."))
        #expect(text.contains("! from the stale ATC: hpa 0x1_0020_1000 RW-U; memory now says fault 0x71"))
    }

    // Step 8 clears the PTE of 0x4000_1000 without an invalidation: the IOTLB entry and the NIC's
    // ATC entry still translate it (the tour's `expect stale=2`).
    @Test func cachesAfterStep8MarkTheIOTLBAndATCEntriesStale() throws {
        let c = try tourController(at: 8)
        let p = c.cachesPane
        let lines = paneLines(p, 52, 8, focused: false)
        #expect(lines[0] == "   DID PASID IOVA           size → HPA          perm")
        #expect(lines[1] == " !   2     5 0x4000_1000    4K   0x1_0020_1000  RW-U")
        #expect(lines[2] == "     2     5 0x4000_0000    4K   0x1_0020_0000  RW-U")
        #expect(lines[7] == " 2/512 entries · hits 0 · misses 2 · 1 stale")
        // The stale row is drawn in `stale` (here unselected: the good row is selected).
        _ = p.handle(.char("j"))
        let roles = paneRoles(p, 52, 8, focused: false)
        #expect(roles[1] == String(repeating: "!", count: 52))
        #expect(roles[2].allSatisfy { $0 == "S" })
        _ = p.handle(.char("k"))
        // Tabs with stale entries are drawn in `stale`: IOTLB (selected) and ATC.
        #expect(Set(p.tabs.alerts.map { p.tabIDs[$0] }) == ["iotlb", "atc"])
        p.selectTab(named: "ATC")
        let atc = paneLines(p, 52, 4, focused: false)
        #expect(atc[1] == " ! 00:02.0     5 0x4000_1000 4K   0x1_0020_1000 RW-U")
        p.selectTab(named: "PWC-S1")
        // Three first-stage paging-structure entries (L4, L3, L2) of the walks so far; none stale:
        // the unmap cleared a leaf, not a table pointer.
        let pwc = paneLines(p, 52, 5, focused: false)
        #expect(pwc.filter { $0.contains("0x1_0010_") }.count == 3)
        #expect(!pwc.joined().contains("!"))
    }

    @Test func enterOnAStaleEntryExplainsItAndNamesTheFix() throws {
        let c = try tourController(at: 8)
        c.app.focus(2)
        guard case .showDetail(let title, let text) = c.cachesPane.handle(.enter) else { Issue.record("no detail"); return }
        #expect(title == "stale IOTLB entry")
        #expect(text.contains("it holds:     hpa 0x1_0020_1000 RW-U"))
        #expect(text.contains("memory now:   fault 0x71"))
        #expect(text.contains("changed at:   step 8: s1: unmap 0x4000_1000 4K"))
        // The smallest fix: a page-selective PASID-based IOTLB invalidation (VT-d 6.5.2.4, type 6,
        // granularity 3) for DID 2, PASID 5, the page, AM 0.
        #expect(text.contains("p_iotlb_inv g=3 did=2 pasid=5 am=0 ih=1 addr=0x40001000"))
        #expect(text.contains("vtd-qi-piotlb"))
        // A good entry says so.
        _ = c.cachesPane.handle(.char("j"))
        guard case .showDetail(_, let good) = c.cachesPane.handle(.enter) else { Issue.record("no detail"); return }
        #expect(good.contains("not stale"))
    }

    // Log statuses: ok / STALE! (served from a stale entry) / FAULT, each in its role.
    @Test func logAfterStep9ShowsTheStaleDMA() throws {
        let c = try tourController(at: 9)
        let lines = paneLines(c.logPane, 80, 30, focused: false)
        let stale = try #require(lines.first { $0.contains("dma write nic pasid 5 0x4000_1000") })
        #expect(stale.hasSuffix("STALE!"))
        #expect(stale.hasPrefix(" ▶"))
        #expect(lines.contains { $0.contains("9 The device can still reach the page") })
        let roles = paneRoles(c.logPane, 80, 30, focused: false)
        let i = try #require(lines.firstIndex(of: stale))
        #expect(roles[i].hasSuffix("!!!!!!.") || roles[i].contains("!!!!!!"))
        // The note box holds the step's note in full.
        let note = paneLines(c.notePane, 60, 6).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(note.contains("This is the bug the missing invalidation makes: the DMA is served from the stale ATC entry."))
        #expect(c.notePane.titleAccessory.plainText == "step 9/12: The device can still reach the page")
    }

    @Test func logAfterStep12ShowsTheFault() throws {
        let c = try tourController(at: 12)
        let lines = paneLines(c.logPane, 100, 40, focused: false)
        let fault = try #require(lines.first { $0.contains("FAULT 0x71") })
        #expect(fault.hasSuffix("FAULT"))
        #expect(paneLines(c.notePane, 60, 6).last?.contains("end of the scenario") == true)
    }

    @Test func logWShowsAChosenDMAInTheWalkPane() throws {
        let c = try tourController(at: 8)
        // Select the step-5 DMA in the log and press w.
        let lp = c.logPane
        for _ in 0..<40 {
            if let i = lp.selectedEntryIndex, c.snapshot.log[i].step == 5, c.snapshot.log[i].outcome.dma != nil { break }
            _ = lp.handle(.char("k"))
        }
        #expect(lp.handle(.char("w")) == .focusPane(1))
        #expect(c.walkPane.isChosen)
        #expect(c.walkPane.titleAccessory.plainText == "log step 5 · read 0x4000_0000 · 24 table reads, 0 cached (cold)")
        #expect(c.walkPane.handle(.escape) == .handled)
        #expect(c.walkPane.titleAccessory.plainText == "step 7 · read 0x4000_1000 · 2 table reads, 2 cached")
    }

    @Test func lockedVMWithoutHostObjectsSaysSo() throws {
        let c = try tourController(at: 12)
        #expect(paneLines(c.lockedPane, 60, 1)[0] == " no host objects in this scenario: nothing pins memory")
    }

    // A host model's report (made up here: the pane only draws it) becomes a gauge per process.
    @Test func lockedVMDrawsAGaugePerProcess() throws {
        struct Fixed: LockedMemorySource {
            func lockedMemoryReport(for machine: Machine) -> LockedMemoryReport? {
                LockedMemoryReport(accounts: [.init(name: "qemu (pid 42)", lockedBytes: 1 << 30, limitBytes: 2 << 30,
                                                    parts: [.init(label: "iommufd ioas 1", detail: "1.0 GiB pinned")])])
            }
        }
        let pane = LockedMemoryPane(source: Fixed())
        pane.update(try tourController(at: 1).snapshot)
        let lines = paneLines(pane, 60, 2)
        #expect(lines[0].hasPrefix(" qemu (pid 42)  "))
        #expect(lines[0].hasSuffix("1.0 GiB / 2.0 GiB"))
        let bar = lines[0].filter { $0 == "█" || $0 == "░" }.count
        #expect(lines[0].filter { $0 == "█" }.count == Gauge.filledCells(fraction: 0.5, width: bar))   // half full
        #expect(lines[1] == "   iommufd ioas 1  1.0 GiB pinned")
    }
}

/// The locked_vm pane on a host scenario: `vfio-type1-locked-vm` gives qemu RLIMIT_MEMLOCK 64 MiB
/// (`process qemu memlock=64M`) and its own `expect locked-vm` lines say what type1 charged
/// (vfio_iommu_type1 vfio_pin_pages_remote → vfio_lock_acct, one page of locked_vm per page pinned).
@Suite struct HostLockedMemoryPaneTests {
    func controller(atStepTitled title: String) throws -> SessionController {
        let scenario = try ScenarioParser.parse(try #require(BundledScenarios.named("vfio-type1-locked-vm")).text, name: "vfio-type1-locked-vm")
        let index = try #require(scenario.steps.firstIndex { $0.title == title })
        var s = Session(scenario)
        s.goTo(index + 1)
        return SessionController(session: s, size: Size(width: 120, height: 40))
    }

    @Test func mapDMAChargesAreAGaugeAgainstTheLimit() throws {
        let c = try controller(atStepTitled: "MAP_DMA pins and charges every page")
        let lines = paneLines(c.lockedPane, 80, 3)
        #expect(lines[0].hasPrefix(" qemu (pid "))
        #expect(lines[0].hasSuffix("32.0 MiB / 64.0 MiB"))
        #expect(lines[1].hasPrefix("   type1 "))
        #expect(lines[1].contains("1 mapping(s)"))
        let twice = try controller(atStepTitled: "The same memory mapped twice is charged twice")
        #expect(paneLines(twice.lockedPane, 80, 3)[0].hasSuffix("48.0 MiB / 64.0 MiB"))
        let done = try controller(atStepTitled: "The flush removes what the DMA cached")
        #expect(paneLines(done.lockedPane, 80, 1)[0].hasSuffix("0 B / 64.0 MiB"))
    }
}
