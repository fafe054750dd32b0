import IOMMUModel

/// The VT-d records of a trace or debugfs dump: `qi_submit` descriptors (Linux trace/events/intel_iommu.h)
/// and interrupt-remapping entries (debugfs `ir_translation_struct`), decoded with VT-d's field tables.
extension RecordDecoder {
    mutating func decodeQISubmit(_ r: TraceRecord, typeName: String, unit: String, _ q: [UInt64]) -> [DecodeItem] {
        var warnings: [String] = []
        let low = q[0] & 0xf
        let full = RecordDecoder.descriptorType(q[0])
        let lowName = VTdUnit.descriptorName(low)
        // trace.h prints __print_symbolic(qw0 & 0xf, ...): only the low four bits of the type.
        if typeName != lowName {
            warnings.append("the trace names this descriptor '\(typeName)' but qw0[3:0] = \(low) is '\(lowName)' (the line was edited?)")
        }
        if full != low {
            warnings.append("qw0[11:9] = \(full >> 4): the full 7-bit type is \(hex(full)) (\(VTdUnit.descriptorName(full))), which the trace names by qw0[3:0] only ('\(typeName)')")
        }
        return decodeItem(r, kind: "vtd-qi", words: q, source: "qi_submit", label: "\(typeName) on \(unit)",
                          context: [("unit", .string(unit))], warnings: warnings)
    }

    mutating func decodeIRTE(_ r: TraceRecord, unit: String, posted: Bool, index: Int, source: String,
                             high: UInt64, low: UInt64) -> [DecodeItem] {
        var warnings: [String] = []
        let im = low >> 15 & 1
        if (im == 1) != posted {
            warnings.append("listed as \(posted ? "posted" : "remapped") but IM (bit 15) = \(im)")
        }
        let sid = high & 0xffff
        let printed = ScenarioBuilder.pciSourceID(source).map { UInt64($0) }
        if let p = printed, p != sid { warnings.append("the row's SrcID \(source) is not the entry's SID \(hex(sid))") }
        var context: [(String, JSONValue)] = [("unit", .string(unit)), ("index", .number(UInt64(index))), ("source", .string(source))]
        if posted { context.append(("descriptor", .number(VTdPostedInterruptEntryFormat.descriptorAddress(low: low, high: high)))) }
        return decodeItem(r, kind: im == 1 ? "vtd-pirte" : "vtd-irte", words: [low, high], source: "ir_translation_struct",
                          label: "IRTE \(index) of \(unit) (\(im == 1 ? "posted" : "remapped"))", context: context, warnings: warnings)
    }
}
