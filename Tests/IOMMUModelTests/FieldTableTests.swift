import Testing
@testable import IOMMUModel

/// The decoded-structure renderings: the text table (iasl -d style: bits, right-aligned name, value,
/// meaning; flags underneath) and the JSON shape design.md fixes for `decode --json`.
@Suite struct FieldTableTests {
    // ftrace sample iotlb_inv dmar2: 0x800f2 0xf9a00005 (trace_formats.md §2.1).
    let iotlb = VTdIOTLBInvalidateFormat.layout.decode([0x800f2, 0xf9a0_0005])

    @Test func textTableListsEveryFieldWithBitsValueAndMeaning() {
        let text = iotlb.textTable()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "vtd-qi-iotlb: IOTLB invalidate descriptor (type 2, 128-bit)")
        #expect(lines.contains("qwords (least significant first): 0x00000000000800f2 0x00000000f9a00005"))
        #expect(lines.contains("qw0 = 0x00000000000800f2"))
        #expect(lines.contains("qw1 = 0x00000000f9a00005"))
        // One row per field: "[bits]  name : value  meaning", names right-aligned to one column.
        let did = lines.first { $0.contains(" did : ") }
        #expect(did?.hasPrefix("  [   31:16]") == true)
        #expect(did?.contains(" did : 8 ") == true && did?.hasSuffix("domain id") == true)
        let am = lines.first { $0.contains(" am : ") }
        #expect(am?.contains("2^5 = 32 pages (128 KiB): 0xf9a00000-0xf9a1ffff") == true)
        #expect(lines.contains { $0.contains(" addr : 0xf9a00000") })
        #expect(lines.contains { $0.contains("[11:9,3:0]") && $0.contains("type : 2") })
        // The colon sits in the same column on every field row.
        let colons = Set(lines.filter { $0.hasPrefix("  [") || $0.contains(" flags : ") }.compactMap { line in DecodeTextColumns.column(of: " : ", in: line) })
        #expect(colons.count == 1)
    }

    @Test func flagsAreListedUnderneath() {
        let lines = iotlb.textTable().split(separator: "\n").map(String.init)
        guard let flags = lines.firstIndex(where: { $0.contains("flags : dw dr") }),
              let did = lines.firstIndex(where: { $0.contains(" did : ") }) else {
            Issue.record("no flags line"); return
        }
        #expect(flags > did)
        #expect(lines[flags + 1].contains(" dw : 1") && lines[flags + 2].contains(" dr : 1"))
        #expect(lines.contains { $0.contains("flags : none set") })   // qw1: IH clear
    }

    @Test func reservedBitsAndWarningsAreShown() {
        // QEMU VTD_INV_DESC_IOTLB_RSVD_LO: bit 8 reserved; AM 20 is above QEMU's MAMV 18.
        let d = VTdIOTLBInvalidateFormat.layout.decode([0x800f2 | 0x100, 20])
        let text = d.textTable()
        #expect(text.contains("rsvd_8 : 0x1"))
        #expect(text.contains("RESERVED bits set (must be 0)"))
        #expect(text.contains("reserved bits set: rsvd_8=0x1\n"))
        #expect(text.contains("warning: am=20 is above 18"))
        #expect(text.hasSuffix("source: \(d.layout.source)\n"))
    }

    @Test func emptyWordsCollapse() {
        let d = VTdPASIDEntryFormat.layout.decode([0x109, 0x80_0001, 0, 0, 0, 0, 0, 0])
        // val3-val7: no source defines anything there (vtd.md §6), so the table keeps them reserved.
        #expect(d.textTable().contains("qw3-qw7 = 0 (reserved)\n"))
        let pasidDir = VTdPASIDDirectoryEntryFormat.layout.decode([0])
        #expect(pasidDir.textTable().contains("qw0 = 0x0000000000000000\n"))
        let widened = VTdIOTLBInvalidateFormat.layout.widened(to: 4).decode([0x100e2, 0, 0, 0])
        #expect(widened.textTable().contains("qw2-qw3 = 0 (reserved)\n"))
    }

    // design.md: {"kind": …, "fields": {"name": number, …}, "reserved_nonzero": [names…], "warnings": […]}.
    @Test func jsonShape() {
        let d = VTdIOTLBInvalidateFormat.layout.decode([0x800f2 | 0x100, 0xf9a0_0005])
        let json = d.json().serialized()
        #expect(json.hasPrefix(#"{"kind": "vtd-qi-iotlb", "fields": {"type": 2, "g": 3, "dw": 1, "dr": 1, "did": 8, "am": 5, "ih": 0, "addr": 4188012544}, "reserved_nonzero": ["rsvd_8"], "warnings": [], "meanings": {"#))
        #expect(d.json()["fields"]?["addr"] == .number(0xf9a0_0000))
        #expect(d.json(extra: [("qwords", .array([.string("0x800f2")]))]).serialized().hasPrefix(#"{"kind": "vtd-qi-iotlb", "qwords": ["0x800f2"], "fields""#))
    }

    @Test func undefinedChoiceWarningListsTheDefinedValues() {
        let d = VTdIOTLBInvalidateFormat.layout.decode([0x2, 0])
        #expect(d.warnings.first?.hasPrefix("g=0 is not a defined value for granularity (defined: 1 = global") == true)
        #expect(d.json()["warnings"] != .array([]))
    }

    @Test func rulesWarnAndExplainFromTheTable() {
        let f = Field("n", 3, 0, .number, "a count")
        let g = Field(flag: "a", bit: 4, "flag a")
        let h = Field(flag: "b", bit: 5, "flag b")
        let layout = StructureLayout(kind: "demo", title: "demo", words: 1, source: "test", fields: [f, g, h], rules: [
            .maximum("n", 10, why: "too many"),
            .noneSet(["a", "b"], why: "nothing to do"),
            .allSet(["a", "b"], why: "both"),
            .nonzero("n", why: "n used", when: { $0["a"] == 1 }),
            .meaning(of: "n") { "\($0["n"]) things" },
        ])
        let quiet = layout.decode([0x11])
        #expect(quiet.warnings == ["n=0x1 is set: n used"])
        #expect(quiet.meaning("n") == "1 things")
        let loud = layout.decode([0x0c])
        #expect(loud.warnings == ["n=12 is above 10: too many", "none of a, b is set: nothing to do"])
        #expect(layout.decode([0x30]).warnings == ["a and b are both set: both"])
        // Rules survive widening (a 128-bit descriptor read from a 256-bit slot).
        #expect(layout.widened(to: 2).decode([0x0c, 0]).warnings.count == 2)
    }
}

/// Finds the column where a separator first appears in a line.
enum DecodeTextColumns {
    static func column(of separator: String, in line: String) -> Int? {
        let chars = Array(line), sep = Array(separator)
        guard chars.count >= sep.count else { return nil }
        for i in 0...(chars.count - sep.count) where Array(chars[i..<(i + sep.count)]) == sep { return i }
        return nil
    }
}
