import Testing
import IOMMUModel
import Scenario
@testable import TerminalUI

/// The locked_vm pane and the TCE table view on `spapr-tce-v2-prereg` (Sources/Scenario/Bundled/
/// SPAPRTCEv2Prereg.swift): qemu has RLIMIT_MEMLOCK 1 GiB; guest RAM (256 MiB at 0x7fff_0000_0000, 4 KiB
/// pages) and a hugetlb area (64 MiB at 0x7ffe_0000_0000, 16 MiB pages) are registered; window 0 is the
/// default 2 GiB window with 4 KiB TCEs, window 1 a 1 GiB DDW with 64 KiB TCEs at bus 1 << 59.
@Suite struct SPAPRLockedVMPaneTests {
    // Step 11 unregisters guest RAM while 256 TCEs still point into it. Current kernels return 0 from
    // VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY but mm_iommu_put sees the region still mapped and returns
    // -EBUSY, which tce_iommu_unregister_pages ignores: the region stays pinned and charged with a
    // reference no container owns (spapr_tce_and_uapi.md; arch/powerpc/mm/book3s64/iommu_api.c).
    // `mapped` starts at 1 and counts each TCE pointing in (mm_iommu_mapped_inc): 1 + 256. locked_vm is
    // the scenario's `expect locked-vm qemu=328M+256K` (65536 + 16384 pinned pages + 64 table pages),
    // shown as 328.3 MiB against the 1 GiB limit.
    @Test func theLingeringRegionIsMarked() throws {
        let c = try bundledController("spapr-tce-v2-prereg", at: 11)
        let lines = paneLines(c.lockedPane, 64, 16)
        #expect(lines[0].hasPrefix(" qemu (pid 4242)  "))
        #expect(lines[0].hasSuffix("328.3 MiB / 1.0 GiB"))
        let region = try #require(lines.firstIndex { $0.hasPrefix("   region 1  ua 0x7fff00000000 +256.0 MiB") })
        let text = lines[region...].prefix(4).joined(separator: " ")
        #expect(text.contains("used 1, mapped 257 (256 TCEs + 1)"))
        #expect(text.contains("LINGERING"))
        #expect(lines.contains(" 1 sPAPR region lingering: no container holds it"))
        // The lingering lines are drawn as a warning.
        let roles = paneRoles(c.lockedPane, 64, 16, focused: false)
        let x = try #require(lines[region].range(of: "ua 0x7fff")).lowerBound.utf16Offset(in: lines[region])
        #expect(Array(roles[region])[x] == "w")
        // Step 12 clears the TCEs: mapped drops back to 1, but nothing puts the orphaned reference.
        let after = try bundledController("spapr-tce-v2-prereg", at: 12)
        let later = paneLines(after.lockedPane, 64, 16).joined(separator: " ")
        #expect(later.contains("used 1, mapped 1 (0 TCEs + 1)"))
        #expect(later.contains("LINGERING"))
        #expect(paneLines(after.lockedPane, 64, 16)[0].hasSuffix("328.3 MiB / 1.0 GiB"))
    }

    // Windows are listed with their geometry: window 1 is 1 GiB at bus 1 << 59 (`tce64_start`, the
    // scenario's `expect out start_addr`), 64 KiB TCEs, 16 mapped (MAP of 1 MiB / 64 KiB).
    @Test func windowsShowTheirGeometry() throws {
        let c = try bundledController("spapr-tce-v2-prereg", at: 9)
        let text = paneLines(c.lockedPane, 64, 16).joined(separator: " ")
        #expect(text.contains("window c1/1  bus 0x800000000000000 +1.0 GiB, 64K TCEs, 1"))
        #expect(text.contains("16 mapped"))
    }

    // Without a VT-d unit or an SMMU the other panes say where the translations are.
    @Test func otherPanesPointAtTheWindows() throws {
        let c = try bundledController("spapr-tce-v2-prereg", at: 9)
        #expect(c.snapshot.architecture == .spaprTCE)
        #expect(headerText(c).contains("· sPAPR TCE"))
        #expect(paneLines(c.walkPane, 60, 6).joined(separator: " ").contains("Panes 1 and 4 list the windows"))
        // Pane 1 lists the windows: the default 2 GiB window at bus 0 with 4 KiB TCEs (256 mapped by the
        // 1 MiB MAP), and the 1 GiB DDW at 1 << 59 with 64 KiB TCEs (16 mapped).
        #expect(c.pasidPane.title == "TCE windows")
        let rows = paneLines(c.pasidPane, 52, 4)
        #expect(rows[0] == "   window bus start             size page lvl mapped")
        #expect(rows[1] == "   c1/0   0x0                   2G   4K     1    256")
        #expect(rows[2] == "   c1/1   0x800_0000_0000_0000  1G   64K    1     16")
        #expect(c.pasidPane.handle(.char("j")) == .handled)
        #expect(c.pasidPane.handle(.enter) == .handled)
        #expect((c.app.modal as? TCETableView)?.table.pageShift == 16)
        // The walk has nothing to show, so locked_vm gets its rows (the log keeps its size).
        let arrangement = c.app.arrangement()
        let locked = try #require(arrangement.frames.first { $0.index == 3 })
        #expect(locked.rect.height > 10)
    }
}

@Suite struct TCETableViewTests {
    /// The controller at step 9 with window 1's TCE table open (Enter on its line in pane 4).
    func openWindowOne() throws -> (SessionController, TCETableView) {
        let c = try bundledController("spapr-tce-v2-prereg", at: 9)
        c.app.focus(3)
        // Lines: the gauge, window c1/0, window c1/1, ...
        _ = c.lockedPane.handle(.char("j"))
        _ = c.lockedPane.handle(.char("j"))
        #expect(c.lockedPane.selectedWindow == LockedMemoryReport.WindowRef(container: 3, slot: 1))
        #expect(c.lockedPane.handle(.enter) == .handled)
        return (c, try #require(c.app.modal as? TCETableView))
    }

    // Entry by entry: the TCE number is the bus address >> it_page_shift (16), starting at it_offset =
    // (1 << 59) >> 16; each TCE holds the host page | TCE_PCI_READ | TCE_PCI_WRITE (tce.h bits 0 and 1;
    // pnv_tce_build) and the v2 userspace view the user address it came from (tce_iommu_build_v2).
    @Test func mappedTCEsAreListedWithTheirUserAddresses() throws {
        let (c, v) = try openWindowOne()
        #expect(v.table.offset == (UInt64(1) << 59) >> 16)
        #expect(v.table.size == 16384)            // 1 GiB / 64 KiB
        #expect(v.rows.visibleCount == 16)        // 1 MiB mapped / 64 KiB
        let base = try #require(c.snapshot.machine.host.processes[4242]?.frames[0x7ffe_0000_0000])
        for k in 0..<16 {
            let row = v.rows.row(at: k)
            let index = (UInt64(1) << 43) + UInt64(k)
            let value = base + UInt64(k) << 16 | 3
            #expect(row.cells[0].text == hex(index))
            #expect(row.cells[1].text == groupedHex(index << 16))
            #expect(row.cells[2].text == hex(value))
            #expect(row.cells[3].text == "R W")
            #expect(row.cells[4].text == hex(value >> 16))
            #expect(row.cells[6].text == hex(0x7ffe_0000_0000 + UInt64(k) << 16))
        }
        let line = try #require(v.decodedLine())
        #expect(line.contains("read=1 write=1 DMA_BIDIRECTIONAL"))
        #expect(line.contains("userspace view: ua 0x7ffe00000000"))
        // Drawn: the window's geometry on top, the rows below.
        var g = ScreenGrid(width: 120, height: 40)
        v.render(into: &g, area: g.bounds)
        #expect(g.text.contains("bus 0x800000000000000 +1.0 GiB · IOMMU page 64K · 16384 TCEs"))
        #expect(g.text.contains("0x80000000000 0x800_0000_0000_0000"))
    }

    // `a` lists every index of the window, built as it scrolls: the last is it_offset + it_size − 1, empty.
    @Test func everyIndexScrollsLazily() throws {
        let (c, v) = try openWindowOne()
        _ = v.handle(.char("a"))
        #expect(v.showAll)
        #expect(v.rows.visibleCount == 16384)
        _ = v.handle(.char("G"))
        let last = try #require(v.rows.selectedRow)
        #expect(last.cells[0].text == hex((UInt64(1) << 43) + 16383))
        #expect(last.cells[2].text == "0x0")
        #expect(v.decodedLine()?.contains("DMA_NONE (empty)") == true)
        #expect(v.handle(.escape) == .close)
        _ = c
    }
}

/// iommufd accounts per user by default (IOPT_PAGES_ACCOUNT_USER): the pinned pages go to
/// `user->locked_vm`, checked against the RLIMIT_MEMLOCK of the task that pinned them (iommufd
/// pages.c incr_user_locked_vm). `iommufd-nesting` step 5 expects 16 MiB for uid 1000 and 0 for the
/// process; qemu's limit is 64 MiB (`process qemu memlock=64M`).
@Suite struct IOMMUFDLockedVMPaneTests {
    @Test func perUserAccountingHasItsOwnGauge() throws {
        let c = try bundledController("iommufd-nesting", at: 5)
        let lines = paneLines(c.lockedPane, 64, 6)
        #expect(lines[0].hasPrefix(" qemu (pid 4242)") && lines[0].hasSuffix("0 B / 64.0 MiB"))
        #expect(lines[1].hasPrefix(" uid 1000 (per user)") && lines[1].hasSuffix("16.0 MiB / 64.0 MiB"))
        #expect(lines[2].contains("4096"))
    }
}
