import Testing
@testable import IOMMUModel

/// Every enumerated field takes its names wherever a value is typed, and a meaning reads the value.
@Suite struct FieldInputTests {
    /// Every layout the catalog can produce from zero and from patterned words (each member of a family).
    static let layouts: [StructureLayout] = {
        var seen: Set<String> = []
        var out: [StructureLayout] = []
        var rng = SystemRandomNumberGenerator()
        for k in StructureCatalog.all {
            for count in k.wordCounts {
                for trial in 0..<300 {
                    let words = (0..<count).map { _ in trial == 0 ? 0 : UInt64(trial) &* 0x9e37_79b9_7f4a_7c15 ^ rng.next() & 0xfff }
                    guard let d = try? k.decode(words, params: [:]) else { continue }
                    let key = d.layout.kind + "|" + d.layout.title + "|\(d.layout.words)"
                    if seen.insert(key).inserted { out.append(d.layout) }
                }
            }
        }
        return out
    }()

    /// Property: each name a field offers parses back to its value, in any case, and every defined
    /// value parses from its number.
    @Test func everyNameParsesToItsValue() throws {
        var checked = 0
        for l in Self.layouts {
            for f in l.fields {
                for (name, v) in f.inputNames {
                    #expect(try f.parse(name) == v, "\(l.kind).\(f.name)=\(name)")
                    #expect(try f.parse(name.uppercased()) == v)
                    checked += 1
                }
                if case .choice(let texts) = f.format {
                    for v in texts.keys { #expect(try f.parse(String(v)) == v) }
                }
            }
        }
        #expect(checked > 100)
    }

    /// Property: a structure encoded from the names of its choice values gives the same qwords as from numbers.
    @Test func namesEncodeLikeNumbers() throws {
        for l in Self.layouts {
            let choices = l.fields.filter { if case .choice = $0.format { return true }; return false }
            for f in choices {
                for (name, v) in f.inputNames where f.problem(with: v) == nil {
                    let byName = try l.encode(try l.resolve([(f.name, name)]))
                    let byNumber = try l.encode([(f.name, v)])
                    #expect(byName == byNumber, "\(l.kind).\(f.name)=\(name)")
                }
            }
        }
    }

    // VT-d spec 6.5.2.4 (IOTLB invalidate): G = 1 global, 2 domain-selective (DSI), 3 page-selective (PSI).
    @Test func iotlbGranularityNames() throws {
        let g = VTdIOTLBInvalidateFormat.g
        #expect(try g.parse("global") == 1)
        #expect(try g.parse("dsi") == 2)
        #expect(try g.parse("domain") == 2)
        #expect(try g.parse("psi") == 3)
        #expect(try g.parse("page") == 3)
        // Linux iommu.h: QI_GRAN_NONG_PASID 2, QI_GRAN_PSI_PASID 3.
        let pg = VTdPASIDIOTLBInvalidateFormat.g
        #expect(try pg.parse("nonglobal") == 2)
        #expect(try pg.parse("pasid") == 2)
        #expect(try pg.parse("psi") == 3)
    }

    @Test func aBadNameListsTheValidOnes() {
        do {
            _ = try VTdIOTLBInvalidateFormat.g.parse("sideways")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("global (1)"))
            #expect(error.description.contains("dsi") && error.description.contains("psi"))
        }
    }

    @Test func negativeValuesAreRefusedNotAllOnes() {
        #expect(throws: CodecError.self) { try VTdIOTLBInvalidateFormat.did.parse("-1") }
        do { _ = try VTdIOTLBInvalidateFormat.did.parse("-1") } catch {
            #expect(error.description.contains("negative") && error.description.contains("0xffff"))
        }
    }

    @Test func decimalMistakesAreNotCalledHex() {
        do { _ = try HexInput.number("12q") } catch {
            #expect(error.description.hasPrefix("bad number '12q'"))
        }
    }

    // VT-d spec 6.5.2.4: IH = 0 means non-leaf entries may have changed too, so the paging-structure
    // caches are invalidated; only IH = 1 lets them be kept.
    @Test func meaningsReadTheValue() throws {
        let kind = try StructureCatalog.kind(named: "vtd-qi-iotlb")
        let clear = try kind.decode([0x800f2, 0xf9a00005])
        #expect(!(clear.meaning("ih") ?? "").contains("leaf entries only"))
        #expect(DecodedStructure.meaningText(clear.values.first { $0.field.name == "ih" }!).contains("paging-structure caches go too"))
        let set = try kind.decode([0x800f2, 0xf9a00045])
        #expect(set.meaning("ih")?.contains("leaf entries only") == true)
        // VT-d spec 9.8: PS = 0 in a level-2/3 entry points to the next table.
        let ss = try StructureCatalog.kind(named: "vtd-sspte").decode([0x3], params: ["level": "2"])
        let text = ss.textTable()
        #expect(!text.contains("maps a 2 MiB or 1 GiB page"))
        #expect(text.contains("next-level table"))
    }

    /// Property: no flag at 0 shows its set-state summary as if it were in force.
    @Test func clearFlagsSayTheyAreClear() {
        for l in Self.layouts {
            let zero = l.decode([UInt64](repeating: 0, count: l.words))
            for v in zero.values {
                guard case .flag = v.field.format else { continue }
                let text = DecodedStructure.meaningText(v)
                if v.meaning == nil { #expect(text.hasPrefix("not set"), "\(l.kind).\(v.field.name): \(text)") }
            }
        }
    }

    @Test func encodeTakesSelectorNames() throws {
        let byName = try StructureCatalog.kind(named: "vtd-qi").encode(text: [("type", "iotlb"), ("g", "dsi"), ("did", "8")])
        let byNumber = try StructureCatalog.kind(named: "vtd-qi").encode([("type", 2), ("g", 2), ("did", 8)])
        #expect(byName.1 == byNumber.1)
        // SMMUv3 4.4.1.1 / Linux CMDQ_OP_TLBI_NH_VA 0x12; TG 1 = 4 KiB in the command encoding.
        let cmd = try StructureCatalog.kind(named: "smmu-cmd").encode(text: [("opcode", "tlbi_nh_va"), ("tg", "4k")])
        #expect(cmd.1[0] & 0xff == 0x12)
        #expect(cmd.1[1] >> 10 & 3 == 1)
    }
}
