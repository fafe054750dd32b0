import Testing
import IOMMUModel
import Scenario
@testable import TerminalUI

/// Panes 1-3 on the AMD-Vi bundled scenarios, with no AMD-Vi code in the UI: everything comes through the
/// `IOMMU` protocol (ARCHITECTURE.md). `amdvi-nested-basics` step 4 has written the DTE and PASID 1's GCR3
/// entry, step 5 is the cold walk; `amdvi-narrow-invalidation` step 3 leaves three stale IOTLB entries.
@Suite struct AMDViPaneTests {
    /// Pane 1: the device table (at 0x8000_0000, the first host-table allocation), the DTE of 00:03.0 with
    /// Mode 4 and domain 1 (48882 §2.2.2), and under it the valid GCR3 entry of PASID 1 (§2.2.6).
    @Test func paneOneListsTheDTEAndItsGCR3Entry() throws {
        let c = try bundledController("amdvi-nested-basics", at: 4)
        #expect(c.pasidPane.title == "Device table")
        let lines = paneLines(c.pasidPane, 60, 6).joined(separator: "\n")
        #expect(lines.contains("nic 00:03.0"), "\(lines)")
        #expect(lines.contains("└ PASID 0x1"), "\(lines)")
        #expect(headerText(c).contains("AMD-Vi"))
    }

    /// Pane 2: the cold nested walk, its grid labelled with the v1 levels (V1 L4 … V1 L1) and the GCR3 root
    /// as the first row, 24 table reads ((4+1)(4+1) − 1).
    @Test func walkPaneDrawsTheNestedGrid() throws {
        let c = try bundledController("amdvi-nested-basics", at: 5, 160, 50)
        let text = c.app.render().text
        #expect(text.contains("GCR3"), "\(text)")
        #expect(text.contains("24"), "\(text)")
    }

    /// Pane 3: the IOTLB after a too-narrow INVALIDATE_IOMMU_PAGES holds three entries the checker calls
    /// stale; the header counts them.
    @Test func cachesPaneMarksTheStaleEntries() throws {
        let c = try bundledController("amdvi-narrow-invalidation", at: 3)
        #expect(c.snapshot.stale.count == 3)
        #expect(headerText(c).contains("3 stale"), "\(headerText(c))")
    }
}
