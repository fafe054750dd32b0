/// What every VT-d queued-invalidation descriptor shares: the 7-bit type field and the helpers that
/// turn masks and size-encoded addresses into ranges (vtd.md §9).
public enum VTdQueuedInvalidation {
    /// Descriptor type numbers (Linux iommu.h `QI_*_TYPE`, QEMU `VTD_INV_DESC_*`).
    public enum DescriptorType: UInt64, Sendable, CaseIterable {
        case contextCache = 1, iotlb = 2, deviceTLB = 3, interruptEntryCache = 4, wait = 5
        case pasidIOTLB = 6, pasidCache = 7, pasidDeviceTLB = 8, pageGroupResponse = 9, pageStreamResponse = 0xa

        /// The name the `intel_iommu:qi_submit` trace event prints (Linux trace.h; 0xa prints as hex).
        public var traceName: String {
            switch self {
            case .contextCache: return "cc_inv"
            case .iotlb: return "iotlb_inv"
            case .deviceTLB: return "dev_tlb_inv"
            case .interruptEntryCache: return "iec_inv"
            case .wait: return "inv_wait"
            case .pasidIOTLB: return "p_iotlb_inv"
            case .pasidCache: return "pc_inv"
            case .pasidDeviceTLB: return "p_dev_tlb_inv"
            case .pageGroupResponse: return "page_grp_resp"
            case .pageStreamResponse: return "0xa"
            }
        }

        public var title: String {
            switch self {
            case .contextCache: return "context-cache invalidate"
            case .iotlb: return "IOTLB invalidate"
            case .deviceTLB: return "device-TLB invalidate"
            case .interruptEntryCache: return "interrupt-entry-cache invalidate"
            case .wait: return "invalidation wait"
            case .pasidIOTLB: return "PASID-based IOTLB invalidate"
            case .pasidCache: return "PASID-cache invalidate"
            case .pasidDeviceTLB: return "PASID-based device-TLB invalidate"
            case .pageGroupResponse: return "page-group response"
            case .pageStreamResponse: return "page-stream response"
            }
        }

        /// Types QEMU refuses in a 128-bit (IQA.DW=0) queue: `vtd_inv_desc_reserved_check` is called
        /// with dw=true only for these (QEMU intel_iommu.c, qemu-ci mirror).
        public var requires256Bit: Bool { self == .pasidIOTLB || self == .pasidDeviceTLB }
    }

    /// The 7-bit type: qw0[3:0] | qw0[11:9] << 4 (QEMU `VTD_INV_DESC_TYPE`).
    public static let typeRuns = [BitRun(3, 0), BitRun(11, 9)]

    /// The `type` field of one descriptor layout; its value names every type so a wrong one reads plainly.
    public static func typeField() -> Field {
        var names: [UInt64: String] = [:]
        for t in DescriptorType.allCases { names[t.rawValue] = "\(t.title) (trace name \(t.traceName))" }
        // The scenario language's short names and the qi_submit trace names (Linux trace.h).
        let short: [String: UInt64] = ["cc": 1, "iotlb": 2, "devtlb": 3, "iec": 4, "wait": 5, "piotlb": 6, "pc": 7, "pdevtlb": 8]
        let trace = Dictionary(DescriptorType.allCases.map { ($0.traceName, $0.rawValue) }.filter { !$0.0.hasPrefix("0x") }, uniquingKeysWith: { a, _ in a })
        return Field("type", typeRuns, .choice(names), "descriptor type", names: short.merging(trace) { a, _ in a })
    }

    /// Warns when the type field does not match the layout that was asked for.
    static func typeMismatch(_ expected: DescriptorType) -> StructureRule {
        .warning { v in
            let t = v["type"]
            guard t != expected.rawValue else { return nil }
            let what = DescriptorType(rawValue: t).map { "a \($0.title) descriptor" } ?? "not a descriptor type"
            return "type=\(t) is \(what), but this is the \(expected.title) layout (type \(expected.rawValue)); `decode vtd-qi` picks the layout by type"
        }
    }

    /// `bb:dd.f` for a PCI requester id (bus << 8 | devfn).
    @Sendable public static func bdf(_ sid: UInt64) -> String? {
        let bus = (sid >> 8) & 0xff, dev = (sid >> 3) & 0x1f, fn = sid & 7
        return "device " + hex2(bus) + ":" + hex2(dev) + "." + String(fn, radix: 16)
    }

    static func hex2(_ v: UInt64) -> String { String(v, radix: 16).leftPadded(to: 2, with: "0") }

    /// `128 KiB`, `2 MiB`, `16 EiB`, or `2^70 bytes` for 2^log2 bytes.
    public static func sizeText(log2: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        let unit = log2 / 10
        guard unit < units.count else { return "2^\(log2) bytes" }
        return "\(1 << (log2 - unit * 10)) \(units[unit])"
    }

    /// `0x1000-0x1fff`, clamped at the top of the 64-bit space.
    public static func rangeText(base: UInt64, log2: Int) -> String {
        guard log2 < 64 else { return "0x0-0xffffffffffffffff (the whole 64-bit space)" }
        let size = UInt64(1) << UInt64(log2)
        let (end, overflow) = base.addingReportingOverflow(size - 1)
        return "\(hex(base))-\(overflow ? "0xffffffffffffffff" : hex(end))"
    }

    /// The pages an address mask selects: 2^AM pages with the low AM page-number bits of `addr`
    /// ignored (QEMU `vtd_iotlb_page_invalidate` masks the page number the same way).
    public static func maskedRange(addr: UInt64, am: UInt64) -> String {
        let log2 = Int(am) + 12
        let base = log2 >= 64 ? 0 : addr & ~((UInt64(1) << UInt64(log2)) - 1)
        let pages = am < 63 ? "\(UInt64(1) << am)" : "2^\(am)"
        return "2^\(am) = \(pages) page\(am == 0 ? "" : "s") (\(sizeText(log2: log2))): \(rangeText(base: base, log2: log2))"
    }

    /// Warns when `addr` has page bits below the mask: the hardware ignores them (Linux
    /// `qi_desc_piotlb` warns about an unaligned address for the same reason).
    static func unalignedMask(addr: String = "addr", am: String = "am", when condition: @escaping @Sendable (FieldValues) -> Bool) -> StructureRule {
        .warning { v in
            guard condition(v) else { return nil }
            let a = v[addr], m = v[am]
            guard m > 0, m < 52 else { return nil }
            let low = a & ((UInt64(1) << (m + 12)) - 1)
            guard low != 0 else { return nil }
            return "addr=\(hex(a)) is not aligned to the 2^\(m) pages am selects: the low \(m) page-number bits are ignored, so the range starts at \(hex(a & ~((UInt64(1) << (m + 12)) - 1)))"
        }
    }

    /// The range a size-encoded device-TLB address covers (PCIe ATS invalidate request encoding, as
    /// QEMU `do_invalidate_device_tlb` reads it): with S=1, t trailing ones in ADDR[63:12] mean
    /// 8 KiB << t, aligned down; with S=0 one 4 KiB page.
    public static func deviceTLBRange(addr: UInt64, s: UInt64) -> String {
        guard s != 0 else { return "one 4 KiB page: \(rangeText(base: addr, log2: 12))" }
        let t = (~(addr >> 12)).trailingZeroBitCount  // at most 52: the shift leaves the top 12 bits clear
        let log2 = 13 + t
        let base = log2 >= 64 ? 0 : addr & ~((UInt64(1) << UInt64(log2)) - 1)
        return "S=1 with \(t) trailing one\(t == 1 ? "" : "s") in ADDR[63:12]: \(sizeText(log2: log2)), \(rangeText(base: base, log2: log2))"
    }

    /// Shared rule: PFSID is defined by Linux and the spec (device-TLB throttling with ECAP.DIT) but
    /// QEMU's reserved masks include its bits (vtd.md §16.1).
    static let pfsidRule = StructureRule.nonzero(
        "pfsid", why: "Linux (QI_DEV_IOTLB_PFSID) and the spec define PFSID for VF throttling when ECAP.DIT=1, but QEMU's reserved mask covers these bits and rejects the descriptor")

    @Sendable static func pfsidExplain(_ v: UInt64) -> String? { v == 0 ? nil : bdf(v) }

    static let mipExplain: @Sendable (UInt64) -> String? = { v in
        v == 0 ? "0 = 32 (Linux writes 0 when the ATS queue depth is 32 or more)" : "up to \(v) invalidations pending at the device"
    }
}

extension VTdQueuedInvalidation {
    /// Shows a field as ignored when `condition` says the descriptor does not use it (only when the
    /// field is nonzero, so an all-zero field stays quiet).
    static func ignored(_ field: String, unless condition: @escaping @Sendable (FieldValues) -> Bool, _ why: String) -> StructureRule {
        .meaning(of: field) { v in
            condition(v) || v[field] == 0 ? nil : "ignored (\(why))"
        }
    }
}
