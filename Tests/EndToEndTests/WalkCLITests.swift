import Testing

/// `nestscope walk`: every reference numbered in the order the hardware makes it (issue 17), the
/// columns named by the formats walked (VT-d FS/SS, Arm S1/S2), the output address named as the
/// architecture names it (HPA on VT-d, PA on SMMUv3).
@Suite struct WalkCLITests {
    let cli = DecodeCLITests()

    // A cold nested walk on VT-d scalable mode reads root, context, PASID-directory and PASID entries
    // first (VT-d 3.4.3), then for each of the 4+1 stage-1 steps the four second-stage entries that
    // translate the GPA, then the first-stage entry: (4+1)(4+1)−1 = 24 table reads, 28 in all.
    @Test func vtdColdWalkIsNumberedInHardwareOrder() throws {
        let r = try cli.run(["walk", "tour"])
        #expect(r.code == 0)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  #1  root entry") })
        #expect(lines.contains { $0.hasPrefix("  #4  PASID entry") })
        let header = try #require(lines.first { $0.hasPrefix("  step") })
        #expect(header.contains("SS L4") && header.contains("FS entry") && header.contains("GPA"))
        // Row "FS root": the stage-2 walk of the first-stage root's GPA (#5-#8), then the FS L4 entry (#9).
        let root = try #require(lines.first { $0.hasPrefix("  FS root") })
        #expect(root.contains("#5 ● ") && root.contains("#8 ● ") && root.contains("L4 #9 ● "))
        let page = try #require(lines.first { $0.hasPrefix("  page") })
        #expect(page.contains("#28 ● "))
        #expect(lines.contains { $0.hasPrefix("  → HPA 0x1_0020_0000") })
    }

    // The JSON carries the same order: every reference's "order" is its 1-based place; together they
    // are 1…N with no gap (configuration, then row by row, stage 2 before the stage-1 entry).
    @Test func jsonOrderCoversEveryReferenceOnce() throws {
        let r = try cli.run(["walk", "smmuv3-nested-basics", "--json"])
        #expect(r.code == 0)
        var orders: [Int] = []
        var rest = Substring(r.out)
        while let at = rest.range(of: "\"order\":") {
            rest = rest[at.upperBound...].drop { $0 == " " }
            let digits = rest.prefix { $0.isNumber }
            if let n = Int(digits) { orders.append(n) }
        }
        // SMMUv3 nested, cold: L1STD, STE, the CD's IPA through 4 stage-2 levels, the CD (7), then 24 walk reads.
        #expect(orders.sorted() == Array(1...31))
    }

    // On SMMUv3 the output is a PA and the log line says so (SMMUv3 uses VA → IPA → PA throughout).
    @Test func armNamesItsAddresses() throws {
        let r = try cli.run(["walk", "smmuv3-nested-basics"])
        #expect(r.out.hasPrefix("dma read nic 0x4000_0000 → pa 0x1_0020_0000"))
        #expect(r.out.contains("  → PA 0x1_0020_0000"))
        #expect(r.out.contains("S2 L0") && r.out.contains("S1 entry") && r.out.contains("IPA"))
    }

    // On a nested SMMUv3 the CD is fetched by IPA, so its fetch goes through stage 2 first (SMMUv3
    // 3.4.3: CD fetches are translated by stage 2): those references name the fetch they serve.
    @Test func stage2ReferencesOfAConfigurationFetchNameIt() throws {
        let r = try cli.run(["walk", "smmuv3-nested-basics"])
        let lines = r.out.split(separator: "\n").map(String.init)
        let s2 = lines.filter { $0.contains("stage 2 L") }
        #expect(s2.count == 4)
        #expect(s2.allSatisfy { $0.contains("for the CD") })
        #expect(!r.out.contains("(config)"))
    }
}
