import Testing
@testable import Scenario
@testable import IOMMUModel

/// The AMD-Vi statements and the two bundled scenarios as `run` and `check` see them: statement errors
/// with their column, the narrow invalidation's stale use answered with the exact S-bit range command
/// (48882 §2.4.3; Linux build_inv_address), and the statements' words equal to the field tables'.
@Suite struct AMDViScenarioTests {
    func report(_ text: String) throws -> CheckReport {
        var s = Session(try ScenarioParser.parse(text, name: "t"), checkpointInterval: 0)
        s.runToEnd()
        return CheckReport(s)
    }

    func error(_ text: String) -> ScenarioError? {
        do { _ = try ScenarioParser.parse(text, name: "t.nss"); return nil } catch { return error }
    }

    @Test(arguments: [
        ("amdvi guest-levels=3", 1, 20, "guest-levels is 4 or 5"),
        ("dte nic domain=0x10000", 1, 16, "domain IDs are 16 bits"),
        ("dte nic domain=1 glx=3 guest", 1, 22, "glx is 0-2"),
        ("dte nic domain=1 glx=1", 1, 18, "add `guest`"),
        ("gcr3 nic pasid=1", 1, 10, "expected v2=SPACE or none"),
        ("cmdbuf frob domain_id=1", 1, 8, "unknown command 'frob'"),
        ("cmdbuf invalidate-iommu-pages colour=1", 1, 31, "has no field 'colour'"),
        ("cmdbuf raw 0x1", 1, 8, "takes 2 qwords"),
        ("dte-set nic sparkle=1", 1, 13, "the DTE has no field 'sparkle'"),
        ("space hs amd-v3 levels=4", 1, 10, "amd-v1, amd-v2"),
    ])
    func errorPositions(text: String, line: Int, column: Int, message: String) throws {
        let e = try #require(error(text))
        #expect(e.line == line)
        #expect(e.column == column, "\(e.description)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    /// `cmdbuf invalidate-iommu-pages` builds the words Linux's build_inv_iommu_pages does: opcode 3 in bits
    /// 63:60, domain ID in 47:32, PASID in 19:0; qword 1 = address | GN << 2 | PDE << 1 | S.
    @Test func namedCommandIsTheFieldTablesWords() throws {
        let s = try ScenarioParser.parse("cmdbuf invalidate-iommu-pages domain_id=2 gn pasid=5 addr=0x4000_1000 s pde", name: "t")
        guard case .queue(let entries)? = s.steps.first?.lines.first?.command else { Issue.record("not a queue command"); return }
        #expect(entries == [[0x3000_0002_0000_0005, 0x4000_1000 | 0b111]])
    }

    /// The stale use in amdvi-narrow-invalidation is fixed, before the DMA, by INVALIDATE_IOMMU_PAGES for the
    /// page it used (S = 0), not by a wider flush: each finding's own proposal is tried first.
    @Test func narrowInvalidationUseGetsThePageCommand() throws {
        let b = try #require(BundledScenarios.named("amdvi-narrow-invalidation"))
        let r = try report(b.text)
        #expect(!r.clean)
        let use = try #require(r.staleUses.first)
        let words = try #require(use.fix.entries.first)
        let d = try StructureCatalog.kind(named: "amdvi-cmd").decode(words)
        #expect(d.layout.kind == "amdvi-cmd-invalidate-iommu-pages")
        #expect(d.value("addr") == 0x4000_2000 && d.value("s") == 0 && d.value("domain_id") == 2)
    }
}
