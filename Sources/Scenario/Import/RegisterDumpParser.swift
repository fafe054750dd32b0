/// The VT-d debugfs `iommu_regset` file (trace_formats.md §3.1; Linux drivers/iommu/intel/debugfs.c
/// `iommu_regset_show`): `IOMMU: NAME Register Base Address: HEX`, a `Name Offset Contents` header and
/// one `NAME 0xOFF 0xVALUE` row per register (32-bit registers printed 64 bits wide).
struct RegisterDumpParser: TraceLineParser {
    static let format = "iommu_regset"
    var unit: String?

    mutating func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        guard let first = w.first else { return .notMine }
        let record = { (body: TraceRecord.Body) in TraceRecord(line: line, text: String(text), body) }
        if first == "IOMMU:", w.count >= 2 {
            // "IOMMU: Invalid base address" (no unit name printed).
            if w[1] == "Invalid" { unit = ""; return .records([record(.registerBase(unit: "", base: nil))]) }
            var c = TokenCursor(w, from: 1)
            do throws(Mismatch) {
                let name = try c.word("the IOMMU name")
                try c.literal("Register"); try c.literal("Base"); try c.literal("Address:")
                let base = try c.hex("the register base (hex)", prefix: false)
                try c.finish()
                unit = String(name)
                return .records([record(.registerBase(unit: String(name), base: base))])
            } catch { return .from(error, format: RegisterDumpParser.format) }
        }
        guard let unit else { return .notMine }
        if w == ["Name", "Offset", "Contents"] { return .header }
        guard w.count >= 2, RegisterDumpParser.isRegisterName(first), w[1].hasPrefix("0x") else { return .notMine }
        var c = TokenCursor(w, from: 1)
        do throws(Mismatch) {
            let offset = try c.hex("the register offset (0x<hex>)")
            let value = try c.hex("the register contents (0x<16 hex digits>)")
            try c.finish()
            return .records([record(.register(unit: unit, name: String(first), offset: offset, value: value))])
        } catch { return .from(error, format: RegisterDumpParser.format) }
    }

    /// `VER`, `MTRR_PHYSBASE0`, `IQA`: upper-case letters, digits and `_`.
    static func isRegisterName(_ s: Substring) -> Bool {
        guard let f = s.first, f.isASCII, f.isUppercase, s.count <= 24 else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
    }

    mutating func finish() -> Accepted { Accepted() }
}
