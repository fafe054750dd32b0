import Testing
@testable import Scenario
@testable import IOMMUModel

/// A `domain_translation_struct` dump imported and walked gives, for every IOVA row, the output address
/// the dump's own leaf entry says (issue 16). Dumps come from the ABI document and from random page
/// tables printed the way Linux prints them (drivers/iommu/intel/debugfs.c `pgtable_walk_level`,
/// `dump_page_info`: rows in walk order, PML5E first; since 2023 PDE only when non-zero and PTE only
/// when PDE and PTE are non-zero).
@Suite struct ImportPageTableTests {
    /// SplitMix64: the same tables every run.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func below(_ n: UInt64) -> UInt64 { next() % n }
    }

    /// Page tables in memory: table address → index → entry; and the mappings they hold.
    struct Tables {
        var levels: Int
        var root: UInt64
        var next: UInt64
        var entries: [UInt64: [Int: UInt64]] = [:]
        var mappings: [(iova: UInt64, level: Int, output: UInt64)] = []

        static func span(_ level: Int) -> UInt64 { 1 << UInt64(12 + 9 * (level - 1)) }

        /// VT-d second-stage entries (spec 9.8): R bit 0, W bit 1, PS bit 7 on 2M/1G leaves, SNP bit 11.
        mutating func map(_ iova: UInt64, level leafLevel: Int, _ output: UInt64, snoop: Bool) {
            var table = root
            for level in stride(from: levels, to: leafLevel, by: -1) {
                let i = Int(iova >> UInt64(12 + 9 * (level - 1)) & 0x1ff)
                if let e = entries[table]?[i] {
                    guard e & 0x80 == 0 else { return }     // a larger leaf already covers it
                    table = e & 0x000f_ffff_ffff_f000
                } else {
                    let t = next
                    next += 0x1000
                    entries[table, default: [:]][i] = t | 3
                    table = t
                }
            }
            let i = Int(iova >> UInt64(12 + 9 * (leafLevel - 1)) & 0x1ff)
            guard entries[table]?[i] == nil else { return }
            entries[table, default: [:]][i] = output | 3 | (leafLevel > 1 ? 0x80 : 0) | (snoop ? 0x800 : 0)
            mappings.append((iova, leafLevel, output))
        }

        /// The rows `pgtable_walk_level` prints, in its order.
        func rows(newLayout: Bool) -> [String] {
            var out: [String] = []
            var path = [UInt64](repeating: 0, count: 6)
            func walk(_ table: UInt64, _ level: Int, _ start: UInt64) {
                for i in 0..<512 {
                    guard let e = entries[table]?[i] else { continue }
                    let va = start + UInt64(i) * Tables.span(level)
                    path[level] = e
                    if e & 0x80 != 0 || level == 1 {
                        out.append(row(va, path, newLayout: newLayout))
                    } else {
                        walk(e & 0x000f_ffff_ffff_f000, level - 1, va)
                    }
                    path[level] = 0
                }
            }
            walk(root, levels, 0)
            return out
        }

        func row(_ va: UInt64, _ p: [UInt64], newLayout: Bool) -> String {
            func h(_ v: UInt64, _ n: Int) -> String { let s = String(v, radix: 16); return "0x" + String(repeating: "0", count: max(0, n - s.count)) + s }
            var s = "\(h(va >> 12, 13)) |\t\(h(p[5], 16))\t\(h(p[4], 16))\t\(h(p[3], 16))"
            if !newLayout { return s + "\t\(h(p[2], 16))\t\(h(p[1], 16))" }
            if p[2] != 0 {
                s += "\t\(h(p[2], 16))"
                if p[1] != 0 { s += "\t\(h(p[1], 16))" }
            }
            return s
        }
    }

    static func randomTables(seed: UInt64) -> (Tables, Bool, UInt32?) {
        var rng = Rng(state: seed)
        let levels = [3, 4, 5][Int(rng.below(3))]
        // Table frames above the model's own table pool (0x8000_0000-0xbfff_ffff).
        let root = 0x1_0000_0000 + rng.below(0x1000) * 0x1000
        var t = Tables(levels: levels, root: root, next: root + 0x1000)
        let inputBits = UInt64(12 + 9 * levels)
        for _ in 0..<(4 + Int(rng.below(20))) {
            let level = [1, 1, 1, 2, 2, 3][Int(rng.below(6))]
            let span = Tables.span(level)
            // Clustered IOVAs, so rows share upper tables as real dumps do.
            let iova = ((rng.below(4) << (inputBits - 3)) | (rng.below(1 << 22) << 12)) & ~(span - 1) & ((1 << inputBits) - 1)
            let output = (0x2_0000_0000 + rng.below(1 << 34)) & ~(span - 1)
            t.map(iova, level: level, output, snoop: rng.below(2) == 1)
        }
        let pasid: UInt32? = rng.below(2) == 1 ? UInt32(rng.below(0x100)) : nil
        return (t, rng.below(2) == 1, pasid)
    }

    @Test(arguments: 1...24 as ClosedRange<UInt64>)
    func everyRowOfARandomDumpWalksToItsLeaf(seed: UInt64) throws {
        let (tables, newLayout, pasid) = ImportPageTableTests.randomTables(seed: seed)
        let head = "Device 0000:00:02.0 " + (pasid.map { "with pasid \(String($0, radix: 16)) " } ?? "") + "@0x\(String(tables.root, radix: 16))"
        let dump = ([head, "IOVA_PFN\t\tPML5E\t\t\tPML4E\t\t\tPDPE\t\t\tPDE\t\t\tPTE"] + tables.rows(newLayout: newLayout)).joined(separator: "\n")
        let imported = ImportHarness.run(dump)
        #expect(imported.malformed.isEmpty, "\(imported.issues)")
        var scenario = ImportHarness.scenario(dump)
        // Our own checks, from the generator's mappings, at an offset inside each page.
        var rng = Rng(state: seed ^ 0xabcdef)
        for m in tables.mappings {
            let offset = rng.below(Tables.span(m.level)) & ~7
            scenario += "dma read 0000:00:02.0\(pasid.map { " pasid=\($0)" } ?? "") 0x\(String(m.iova + offset, radix: 16))\n"
            scenario += "expect hpa=0x\(String(m.output + offset, radix: 16))\n"
        }
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)\n\(dump)")
        #expect(session.machine.failedExpectations.isEmpty, "\(session.machine.failedExpectations)\n\(dump)")
        #expect(tables.mappings.count == tables.rows(newLayout: newLayout).count)
    }

    @Test(arguments: [ImportRealSamples.pageTableLegacyABIDoc, ImportRealSamples.pageTableScalableABIDoc])
    func theDocumentsDumpsWalkToTheirLeaves(text: String) throws {
        let r = ImportHarness.run(text)
        let rows = r.records.compactMap { rec -> (UInt64, [UInt64])? in
            if case .pageTableRow(_, _, _, let pfn, let path) = rec.body { return (pfn, path) } else { return nil }
        }
        #expect(rows.count == 3 && r.statistics.unknown == 0)
        var scenario = ImportHarness.scenario(text)
        let pasid = text.contains("with pasid 1") ? " pasid=1" : ""
        let device = text.contains("0000:00:0a.0") ? "0000:00:0a.0" : "0000:00:02.0"
        for (pfn, path) in rows {
            // Five columns, all present: the PTE (level 1) is the leaf, its page at bits 51:12 (spec 9.8).
            let pte = try #require(path.last)
            scenario += "dma read \(device)\(pasid) 0x\(String(pfn << 12 | 0x123, radix: 16))\nexpect hpa=0x\(String(pte & 0x000f_ffff_ffff_f000 | 0x123, radix: 16))\n"
        }
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
        #expect(session.machine.failedExpectations.isEmpty, "\(session.machine.failedExpectations)")
    }

    @Test func aRowWithoutItsSecondBlockIsReportedNotGuessed() {
        let text = "Device 0000:00:02.0 @0x1017f8000\nIOVA_PFN PML5E PML4E\n0x000000008d800 |  0x0000000000000000  0x00000001017f9003\n"
        let r = ImportHarness.run(text)
        #expect(r.malformed.count == 1 && r.malformed.first?.line == 3)
    }
}
