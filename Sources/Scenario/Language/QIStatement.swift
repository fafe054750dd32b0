import IOMMUModel

/// `qi KIND field=value... [; KIND ...]` or `qi raw QW...`: queued-invalidation descriptors built
/// from the descriptor field tables, so the names are those `decode vtd-qi` prints.
extension Statements {
    /// Short names accepted after `qi`, with the Linux trace names (trace.h) as aliases.
    static let descriptorKinds: [String: String] = [
        "cc": "vtd-qi-cc", "cc_inv": "vtd-qi-cc", "iotlb": "vtd-qi-iotlb", "iotlb_inv": "vtd-qi-iotlb",
        "devtlb": "vtd-qi-devtlb", "dev_tlb_inv": "vtd-qi-devtlb", "iec": "vtd-qi-iec", "iec_inv": "vtd-qi-iec",
        "wait": "vtd-qi-wait", "inv_wait": "vtd-qi-wait", "piotlb": "vtd-qi-piotlb", "p_iotlb": "vtd-qi-piotlb",
        "p_iotlb_inv": "vtd-qi-piotlb", "pc": "vtd-qi-pc", "pc_inv": "vtd-qi-pc", "pdevtlb": "vtd-qi-pdevtlb",
        "p_dev_tlb_inv": "vtd-qi-pdevtlb",
    ]

    static func parseQI(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let groups = a.tokens.splitAtSemicolons()
        guard !groups.isEmpty else { throw LineError(a.keyword.column + 3, "qi: expected a descriptor (cc, iotlb, devtlb, iec, wait, piotlb, pc, pdevtlb) or raw qwords") }
        var descriptors: [[UInt64]] = []
        for g in groups { descriptors.append(try descriptor(g)) }
        return .vtdInvalidate(descriptors: descriptors)
    }

    static func descriptor(_ tokens: [Token]) throws(LineError) -> [UInt64] {
        let head = tokens[0]
        if head.text.lowercased() == "raw" {
            guard tokens.count == 3 || tokens.count == 5 else {
                throw LineError(head.column, "qi raw takes 2 qwords (128-bit) or 4 (256-bit), got \(tokens.count - 1)")
            }
            var words: [UInt64] = []
            for t in tokens.dropFirst() {
                do { words.append(try HexInput.qword(t.text)) } catch { throw LineError(t.column, "\(error)") }
            }
            return words
        }
        guard let kindName = descriptorKinds[head.text.lowercased()] ?? (head.text.hasPrefix("vtd-qi-") ? head.text : nil),
              let kind = try? StructureCatalog.kind(named: kindName) else {
            throw LineError(head.column, "unknown descriptor '\(head.text)'; known: cc, iotlb, devtlb, iec, wait, piotlb, pc, pdevtlb (or raw)")
        }
        var assignments: [(String, UInt64)] = []
        var layoutForNames: StructureLayout? = nil
        if let (l, _) = try? kind.encode([]) { layoutForNames = l }
        for t in tokens.dropFirst() {
            guard let kv = t.keyValue else { throw LineError(t.column, "expected field=value, got '\(t.text)'") }
            // Names or numbers, read by the field itself (`g=dsi`, `g=global`, `g=2`).
            if let f = layoutForNames?.field(named: kv.key) {
                do { assignments.append((f.name, try f.parse(kv.value))) } catch { throw LineError(t.valueColumn, "\(error)") }
                continue
            }
            do { assignments.append((kv.key, try HexInput.number(kv.value))) } catch {
                throw LineError(t.valueColumn, "\(kv.key): \(error)")
            }
        }
        do {
            let (_, words) = try kind.encode(assignments)
            return words
        } catch {
            throw LineError(head.column, "\(error)")
        }
    }
}
