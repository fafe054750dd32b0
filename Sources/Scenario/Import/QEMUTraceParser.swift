/// QEMU trace lines of the log backend (trace_formats.md §5): `<event> <arguments>`, with the old
/// `<tid>@<secs>.<usecs>:` prefix glued to the name or without it. Invalidation descriptors
/// (`vtd_inv_desc`) are read in full; faults and events are kept for notes; the other known events
/// are recognised and skipped.
struct QEMUTraceParser: TraceLineParser {
    static let format = "QEMU trace"

    /// Faults and events the model cannot replay but a reader should see.
    static let faultEvents: Set<Substring> = ["vtd_dmar_fault", "vtd_frr_new", "vtd_fsts_ppf", "vtd_inv_desc_wait_write_fail",
                                              "smmuv3_record_event", "smmuv3_translate_abort", "smmuv3_cmdq_consume_error"]

    /// Events of hw/i386/trace-events and hw/arm/trace-events listed in trace_formats.md §5.2-§5.3.
    static let knownEvents: Set<Substring> = [
        "vtd_inv_desc", "vtd_inv_desc_cc_domain", "vtd_inv_desc_cc_global", "vtd_inv_desc_cc_device", "vtd_inv_desc_cc_devices",
        "vtd_inv_desc_iotlb_global", "vtd_inv_desc_iotlb_domain", "vtd_inv_desc_iotlb_pages", "vtd_inv_desc_iotlb_pasid_pages",
        "vtd_inv_desc_iotlb_pasid", "vtd_inv_desc_wait_sw", "vtd_inv_desc_wait_irq", "vtd_inv_desc_wait_write_fail",
        "vtd_inv_desc_iec", "vtd_inv_qi_enable", "vtd_inv_qi_setup", "vtd_inv_qi_head", "vtd_inv_qi_tail",
        "vtd_context_cache_reset", "vtd_inv_qi_fetch", "vtd_iotlb_page_hit", "vtd_iotlb_page_update", "vtd_iotlb_cc_hit",
        "vtd_iotlb_cc_update", "vtd_iotlb_reset", "vtd_re_not_present", "vtd_ce_not_present", "vtd_page_walk_level",
        "vtd_page_walk_one", "vtd_replay_ce_valid", "vtd_switch_address_space", "vtd_dmar_translate", "vtd_dmar_fault",
        "vtd_dmar_enable", "vtd_ir_enable", "vtd_reg_read", "vtd_reg_write", "vtd_reg_write_gcmd", "vtd_reg_dmar_root",
        "vtd_frr_new", "vtd_fsts_ppf", "vtd_ir_remap_msi",
        "smmu_add_mr", "smmu_iotlb_inv_all", "smmu_iotlb_inv_asid", "smmu_iotlb_inv_iova", "smmu_iotlb_lookup_hit",
        "smmu_iotlb_lookup_miss", "smmu_iotlb_insert", "smmu_ptw_level", "smmu_ptw_page_pte", "smmu_ptw_block_pte",
        "smmu_ptw_invalid_pte", "smmuv3_read_mmio", "smmuv3_write_mmio", "smmuv3_cmdq_consume", "smmuv3_cmdq_opcode",
        "smmuv3_cmdq_consume_out", "smmuv3_cmdq_consume_error", "smmuv3_record_event", "smmuv3_get_ste", "smmuv3_get_cd",
        "smmuv3_translate_success", "smmuv3_translate_disable", "smmuv3_translate_bypass", "smmuv3_translate_abort",
        "smmuv3_decode_cd", "smmuv3_decode_cd_tt", "smmuv3_cmdq_cfgi_ste", "smmuv3_cmdq_cfgi_ste_range", "smmuv3_cmdq_cfgi_cd",
        "smmuv3_config_cache_hit", "smmuv3_config_cache_miss", "smmuv3_config_cache_inv", "smmuv3_s1_range_inval",
        "smmuv3_range_inval", "smmuv3_cmdq_tlbi_nh", "smmuv3_cmdq_tlbi_nh_asid", "smmuv3_cmdq_tlbi_s12_vmid",
        "smmuv3_inv_notifiers_iova", "smmu_reset_exit", "smmu_configs_inv_sid_range", "smmuv3_invalidate_all_caches",
        "vtd_dmar_slpte", "vtd_iotlb_page_hit", "vtd_iotlb_page_update",
    ]

    /// The events read field by field, as hw/i386/trace-events and hw/arm/trace-events print them
    /// (trace_formats.md §5.2-5.3), with the variants seen in real traces. A line that stops inside
    /// one of these is held for its continuation (mail wraps these lines).
    static let patterns: [Substring: [EventPattern]] = [
        "vtd_dmar_translate": [EventPattern("dev {dev:s} iova {iova:x} -> gpa {gpa:x} mask {mask:x}"),
                               // A local variant seen in the 2023 qemu-devel report: "pasid 0x%x: dev ...".
                               EventPattern("pasid {pasid:x}: dev {dev:s} iova {iova:x} -> gpa {gpa:x} mask {mask:x}")],
        "vtd_dmar_fault": [EventPattern("sid {sid:x} fault {fault:d} addr {addr:x} write {write:d}")],
        "vtd_dmar_slpte": [EventPattern("sid {sid:x} slpte {slpte:x} addr {addr:x} write {write:d}")],
        "vtd_switch_address_space": [EventPattern("Device {dev:s} switching address space (iommu enabled={enabled:d})")],
        "vtd_page_walk_level": [EventPattern("walk (base={base:x}, level={level:d}) iova range {start:x} - {end:x}")],
        "vtd_page_walk_one": [EventPattern("domain {domain:x} iova {iova:x} -> gpa {gpa:x} mask {mask:x} perm {perm:d}")],
        "vtd_iotlb_page_hit": [EventPattern("IOTLB page hit sid {sid:x} iova {iova:x} slpte {slpte:x} domain {domain:x}")],
        "vtd_iotlb_page_update": [EventPattern("IOTLB page update sid {sid:x} iova {iova:x} slpte {slpte:x} domain {domain:x}")],
        "vtd_re_not_present": [EventPattern("Root entry bus {bus:d} not present")],
        "vtd_ce_not_present": [EventPattern("Context entry bus {bus:d} devfn {devfn:d} not present")],
        "vtd_inv_desc_iotlb_pages": [EventPattern("iotlb invalidate domain {domain:x} addr {addr:x} mask {mask:x}")],
        "vtd_inv_desc_iotlb_pasid_pages": [EventPattern("iotlb invalidate domain {domain:x} addr {addr:x} mask {mask:x} pasid {pasid:x}")],
        "vtd_inv_desc_iotlb_domain": [EventPattern("iotlb invalidate whole domain {domain:x}")],
        "vtd_inv_desc_cc_domain": [EventPattern("context invalidate domain {domain:x}")],
        "vtd_frr_new": [EventPattern("index {index:d} high {high:x} low {low:x}")],
        "vtd_reg_dmar_root": [EventPattern("addr {addr:x} scalable {scalable:d}")],
        // "%s sid=%d iova=..." (sid in hex with 0x and ` stage=%d` since 2024).
        "smmuv3_translate_success": [EventPattern("{mr:s} sid={sid:n} iova={iova:x} translated={translated:x} perm={perm:x} stage={stage:d}", optionalFrom: 5)],
        "smmuv3_translate_abort": [EventPattern("{mr:s} sid={sid:n} abort on iova:{iova:x} is_write={is_write:d}")],
        "smmuv3_record_event": [EventPattern("{type:s} sid={sid:n}")],
    ]

    /// The type names QEMU's `vtd_process_inv_desc` passes to `trace_vtd_inv_desc`, with the type each means.
    static let descriptorTypes: [Substring: UInt64] = [
        "context-cache": 1, "iotlb": 2, "device": 3, "iec": 4, "wait": 5, "p-iotlb": 6, "pasid-cache": 7, "device-piotlb": 8,
    ]

    /// The event name with the old `tid@secs.usecs:` prefix removed.
    static func eventName(_ token: Substring) -> Substring {
        guard let at = token.firstIndex(of: "@"), token[..<at].allSatisfy(\.isNumber),
              let colon = token[at...].firstIndex(of: ":") else { return token }
        return token[token.index(after: colon)...]
    }

    func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        guard let first = w.first else { return .notMine }
        let name = QEMUTraceParser.eventName(first)
        guard name.hasPrefix("vtd_") || name.hasPrefix("smmu_") || name.hasPrefix("smmuv3_") else { return .notMine }
        guard QEMUTraceParser.knownEvents.contains(name) else { return .notMine }
        let arguments = w.dropFirst().joined(separator: " ")
        if name == "vtd_inv_desc" {
            // "invalidate desc type %s high 0x%"PRIx64" low 0x%"PRIx64
            var c = TokenCursor(w, from: 1)
            do throws(Mismatch) {
                try c.literal("invalidate"); try c.literal("desc"); try c.literal("type")
                let type = try c.word("the descriptor type name")
                try c.literal("high")
                let high = try c.hex("the high qword (0x<hex>)")
                try c.literal("low")
                let low = try c.hex("the low qword (0x<hex>)")
                try c.finish()
                return .records([TraceRecord(line: line, text: String(text), .qemuInvalidation(typeName: String(type), high: high, low: low))])
            } catch { return .from(error, format: "QEMU vtd_inv_desc") }
        }
        var fields: [TraceRecord.EventField] = []
        if let forms = QEMUTraceParser.patterns[name] {
            do throws(Mismatch) { fields = try EventPattern.match(forms, w.dropFirst()) }
            catch { return .from(error, format: "QEMU \(name)") }
        } else if QEMUTraceParser.faultEvents.contains(name), arguments.isEmpty {
            return .incomplete(format: "QEMU \(name)", expected: "the event's arguments")
        }
        if QEMUTraceParser.faultEvents.contains(name) {
            return .records([TraceRecord(line: line, text: String(text), .qemuFault(event: String(name), arguments: arguments))])
        }
        if fields.isEmpty { fields = EventPattern.keyed(w.dropFirst()) }
        guard !fields.isEmpty else { return .nothingToImport }
        return .records([TraceRecord(line: line, text: String(text),
                                     .event(format: QEMUTraceParser.format, name: String(name), fields: fields,
                                            summary: QEMUTraceParser.summary(name, fields, arguments: arguments)))])
    }

    /// One line on what the event says.
    static func summary(_ name: Substring, _ f: [TraceRecord.EventField], arguments: String) -> String {
        switch name {
        case "vtd_dmar_translate":
            return "QEMU VT-d translated \(f.text("dev") ?? "?")\(f.text("pasid").map { " PASID \($0)" } ?? "") IOVA \(f.text("iova") ?? "?") -> GPA \(f.text("gpa") ?? "?") (mask \(f.text("mask") ?? "?"))"
        case "vtd_switch_address_space":
            return "QEMU VT-d: device \(f.text("dev") ?? "?") \(f.value("enabled") == 1 ? "now translated by the IOMMU" : "now bypasses the IOMMU (iommu enabled=0)")"
        case "vtd_page_walk_one":
            return "QEMU VT-d page walk: domain \(f.text("domain") ?? "?") IOVA \(f.text("iova") ?? "?") -> GPA \(f.text("gpa") ?? "?") mask \(f.text("mask") ?? "?") perm \(f.text("perm") ?? "?")"
        default:
            return "QEMU \(name): \(arguments)"
        }
    }

    mutating func finish() -> Accepted { Accepted() }
}
