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
        if QEMUTraceParser.faultEvents.contains(name) {
            if arguments.isEmpty { return .incomplete(format: "QEMU \(name)", expected: "the event's arguments") }
            return .records([TraceRecord(line: line, text: String(text), .qemuFault(event: String(name), arguments: arguments))])
        }
        return .nothingToImport
    }

    mutating func finish() -> Accepted { Accepted() }
}
