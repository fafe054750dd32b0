/// One VMSAv8-64 translation stage as the walker needs it, decoded once from an STE (stage 2) or a
/// CD (stage 1) so the hot loop reads plain fields.
public struct SMMUv3StageGeometry: Sendable, Equatable {
    public var granule: LPAEGranule
    /// TTB0/TTB1 or S2TTB, aligned to the start table.
    public var root: UInt64
    // Small stored fields keep cache entries compact: the hit path copies them.
    var start: Int8
    var inBits: UInt8
    var outBits: UInt8
    var rootBits: UInt8
    /// AF = 0 does not fault: AFFD, or HA (the hardware would set AF; the model does not write it back).
    public var accessFlagFaultsDisabled: Bool
    /// CD.R / STE.S2R: translation-related faults are recorded in the event queue.
    public var recordFaults: Bool
    /// CD.HADx: APTable, PXNTable and UXNTable are ignored.
    public var hierarchicalDisabled: Bool

    public init(granule: LPAEGranule, startLevel: Int, inputBits: Int, outputBits: Int, root: UInt64, rootIndexBits: Int,
                accessFlagFaultsDisabled: Bool, recordFaults: Bool, hierarchicalDisabled: Bool) {
        self.granule = granule
        self.root = root
        start = Int8(startLevel)
        inBits = UInt8(inputBits)
        outBits = UInt8(outputBits)
        rootBits = UInt8(rootIndexBits)
        self.accessFlagFaultsDisabled = accessFlagFaultsDisabled
        self.recordFaults = recordFaults
        self.hierarchicalDisabled = hierarchicalDisabled
    }

    public var startLevel: Int { Int(start) }
    /// 64 − T0SZ (stage 1) or 64 − S2T0SZ (stage 2).
    public var inputBits: Int { Int(inBits) }
    /// CD.IPS or STE.S2PS, capped at SMMU_IDR5.OAS.
    public var outputBits: Int { Int(outBits) }
    /// Index bits at the start level: wider with concatenated stage-2 tables, narrower for a small start table.
    public var rootIndexBits: Int { Int(rootBits) }
    public var levels: Int { 4 - startLevel }
}

/// What an STE says, decoded and checked (SMMUv3 5.2, 5.2.2 "Validity of STE"; QEMU `decode_ste`,
/// `decode_ste_s2_cfg`). An ILLEGAL STE makes the transaction fault with C_BAD_STE.
public struct SMMUv3StreamConfig: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// Config 0b000 (and the reserved 0b001-0b011, which behave as it): terminate, no event.
        case abort
        /// Config 0b100.
        case bypass
        /// Config 0b101: stage 1 translates, stage 2 bypassed.
        case stage1
        /// Config 0b110: stage 1 bypassed, stage 2 translates.
        case stage2
        /// Config 0b111: both stages; stage-1 tables and CDs are IPAs.
        case nested

        public var translatesStage1: Bool { self == .stage1 || self == .nested }
        public var translatesStage2: Bool { self == .stage2 || self == .nested }
        public var label: String {
            switch self {
            case .abort: return "abort"
            case .bypass: return "bypass"
            case .stage1: return "S1"
            case .stage2: return "S2"
            case .nested: return "nested"
            }
        }
    }

    public var kind: Kind
    /// STE.S1Fmt: 0 linear CD table, 1 two-level with 4 KiB leaves (64 CDs), 2 with 64 KiB leaves (1024 CDs).
    public var cdTableFormat: UInt8
    /// STE.S1ContextPtr (an IPA when stage 2 translates).
    public var contextPointer: UInt64
    /// STE.S1CDMax: log2 of the CD count; 0 disables substreams.
    public var cdMax: UInt8
    /// STE.S1DSS for traffic without a SubstreamID when substreams are enabled.
    public var s1dss: UInt8
    /// The effective STE.EATS: 0 without SMMU_IDR0.ATS, for the reserved 0b11, and for 0b10 with ATSCHK = 0.
    public var eats: UInt8
    /// STE.S2VMID: tags TLB and walk-cache entries of this stream (Linux leaves it 0 for stage-1-only STEs).
    public var vmid: UInt16
    public var stage2: SMMUv3StageGeometry?

    /// log2 of the CDs one level-2 CD table holds (S1Fmt 1: 64 CDs in 4 KiB; 2: 1024 in 64 KiB).
    public var cdSplit: Int? {
        switch cdTableFormat {
        case 1: return 6
        case 2: return 10
        default: return nil
        }
    }

    /// Decodes an STE with the field table; the error is the C_BAD_STE reason.
    public static func decode(_ w: [UInt64], unit: SMMUv3Configuration) -> Result<SMMUv3StreamConfig, SMMUv3ConfigError> {
        typealias F = SMMUv3STEFormat
        guard F.v.value(in: w) == 1 else { return .failure("STE.V = 0") }
        let config = F.config.value(in: w)
        let kind: Kind
        switch config {
        case 4: kind = .bypass
        case 5: kind = .stage1
        case 6: kind = .stage2
        case 7: kind = .nested
        default: kind = .abort   // 0b000, and 0b001-0b011 which are reserved and behave as abort (SMMUv3 5.2 Config)
        }
        // EATS is IGNORED without SMMU_IDR0.ATS; 0b11 (DPT) is Reserved and behaves as 0b00 without SMMU_IDR3.DPT,
        // and 0b10 behaves as 0b00 with SMMU_CR0.ATSCHK = 0 (5.2 EATS); its ILLEGAL check below reads the field itself.
        let eats = unit.ats ? F.eats.value(in: w) : 0
        let effectiveEATS = eats == 3 || (eats == 2 && !unit.atsCheck) ? 0 : UInt8(eats)
        var c = SMMUv3StreamConfig(kind: kind, cdTableFormat: 0, contextPointer: 0, cdMax: 0, s1dss: 0,
                                   eats: effectiveEATS, vmid: UInt16(F.s2vmid.value(in: w)), stage2: nil)
        if kind.translatesStage1 {
            if F.s1stalld.value(in: w) == 1 && SMMUv3Configuration.stallModel != 0 {
                return .failure("S1STALLD = 1 but SMMU_IDR0.STALL_MODEL = 0b01 (stalls not supported): ILLEGAL (SMMUv3 5.2 S1STALLD)")
            }
            let fmt = F.s1fmt.value(in: w)
            c.cdTableFormat = fmt == 3 ? 0 : UInt8(fmt)   // 0b11 is reserved and behaves as linear (SMMUv3 5.2 S1Fmt)
            c.contextPointer = F.s1contextptr.value(in: w)
            c.cdMax = UInt8(F.s1cdmax.value(in: w))
            c.s1dss = UInt8(F.s1dss.value(in: w))
            if Int(c.cdMax) > unit.substreamIDBits {
                return .failure("S1CDMax = \(c.cdMax) exceeds SMMU_IDR1.SSIDSIZE = \(unit.substreamIDBits)")
            }
        }
        if eats == 2 && kind != .nested && kind != .abort && kind != .bypass {
            return .failure("EATS = 2 (split-stage ATS) needs Config = nested")
        }
        if kind.translatesStage2 {
            if F.s2s.value(in: w) == 1 && SMMUv3Configuration.stallModel == 1 {
                return .failure("S2S = 1 but SMMU_IDR0.STALL_MODEL = 0b01 (stalls not supported): ILLEGAL (SMMUv3 5.2 S2S)")
            }
            if (F.s2ha.value(in: w) == 1 || F.s2hd.value(in: w) == 1) && SMMUv3Configuration.httu == 0 {
                return .failure("S2HA/S2HD set but SMMU_IDR0.HTTU = 0b00 (no hardware flag updates): ILLEGAL (SMMUv3 5.2 S2HA, S2HD)")
            }
            switch decodeStage2(w, unit: unit) {
            case .success(let g): c.stage2 = g
            case .failure(let why): return .failure(why)
            }
        }
        return .success(c)
    }

    static func decodeStage2(_ w: [UInt64], unit: SMMUv3Configuration) -> Result<SMMUv3StageGeometry, SMMUv3ConfigError> {
        typealias F = SMMUv3STEFormat
        // The model, like QEMU, walks only little-endian VMSAv8-64 stage-2 tables.
        guard F.s2aa64.value(in: w) == 1 else { return .failure("S2AA64 = 0: VMSAv8-32 LPAE stage 2 is not modelled (QEMU rejects it too)") }
        guard F.s2endi.value(in: w) == 0 else { return .failure("S2ENDI = 1: big-endian stage-2 tables are not modelled (QEMU rejects them)") }
        let tg = F.s2tg.value(in: w)
        guard let g = LPAEGranule(tg0: tg) else { return .failure("S2TG = \(tg) is reserved") }
        let t0sz = F.s2t0sz.value(in: w)
        guard (16...39).contains(t0sz) else {
            return .failure("S2T0SZ = \(t0sz) is outside 16-39 (no SMMU_IDR3.STT; QEMU decode_ste_s2_cfg)")
        }
        let ipaBits = 64 - Int(t0sz)
        guard ipaBits <= unit.outputAddressBits else {
            return .failure("S2T0SZ = \(t0sz) gives a \(ipaBits)-bit IPA, more than the \(unit.outputAddressBits)-bit IAS")
        }
        let sl0 = F.s2sl0.value(in: w)
        guard let start = LPAEGeometry.startLevel(g, sl0: sl0) else { return .failure("S2SL0 = \(sl0) is reserved for the \(g) granule") }
        guard let tables = LPAEGeometry.concatenatedTables(g, inputBits: ipaBits, startLevel: start) else {
            return .failure("S2SL0 = \(sl0) (start level \(start)) cannot cover a \(ipaBits)-bit IPA with the \(g) granule and at most 16 concatenated tables")
        }
        let ps = F.s2ps.value(in: w)
        let outBits = min(LPAEGeometry.outputBits(ps: ps) ?? 48, unit.outputAddressBits)
        let rootBits = max(1, ipaBits - LPAEGeometry.levelShift(g, level: start))
        let rootSize = max(UInt64(8) << UInt64(rootBits), 16)
        let ttb = F.s2ttb.value(in: w) & ~(rootSize - 1)
        if outBits < 64 && ttb >> UInt64(outBits) != 0 {
            return .failure("S2TTB \(groupedHex(ttb)) is beyond the \(outBits)-bit S2PS (QEMU decode_ste_s2_cfg)")
        }
        _ = tables
        return .success(SMMUv3StageGeometry(granule: g, startLevel: start, inputBits: ipaBits, outputBits: outBits, root: ttb,
                                            rootIndexBits: rootBits,
                                            accessFlagFaultsDisabled: F.s2affd.value(in: w) == 1,
                                            recordFaults: F.s2r.value(in: w) == 1, hierarchicalDisabled: true))
    }
}

/// What a CD says, decoded and checked (SMMUv3 5.4; QEMU `decode_cd`). An ILLEGAL CD makes the
/// transaction fault with C_BAD_CD.
public struct SMMUv3ContextConfig: Sendable, Equatable {
    public var asid: UInt16
    /// The TTB0 half (nil when EPD0 = 1: a miss there is a translation fault).
    public var ttb0: SMMUv3StageGeometry?
    /// The TTB1 half (nil when EPD1 = 1, as Linux always sets it).
    public var ttb1: SMMUv3StageGeometry?
    /// Input size of each half (for the range check even when its walks are disabled).
    public var t0Bits: UInt8
    public var t1Bits: UInt8
    /// CD.TBI: bit 0 = TBI0, bit 1 = TBI1.
    public var tbi: UInt8
    /// CD.R: stage-1 translation-related faults are recorded.
    public var recordFaults: Bool

    public static func decode(_ w: [UInt64], unit: SMMUv3Configuration) -> Result<SMMUv3ContextConfig, SMMUv3ConfigError> {
        typealias F = SMMUv3CDFormat
        guard F.v.value(in: w) == 1 else { return .failure("CD.V = 0") }
        // The model, like QEMU decode_cd, walks only little-endian VMSAv8-64 tables.
        guard F.aa64.value(in: w) == 1 else { return .failure("AA64 = 0: VMSAv8-32 LPAE stage 1 is not modelled (QEMU rejects it too)") }
        guard F.endi.value(in: w) == 0 else { return .failure("ENDI = 1: big-endian stage-1 tables are not modelled (QEMU rejects them)") }
        // IHI0070 5.4 CdIllegal, for the modelled SMMU_IDR0 (SMMUv3Configuration.stallModel/httu/termModel).
        if SMMUv3Configuration.termModel == 1 && F.a.value(in: w) == 0 {
            return .failure("A = 0 but SMMU_IDR0.TERM_MODEL = 1 (terminated transactions always abort): ILLEGAL (SMMUv3 5.4 A)")
        }
        if SMMUv3Configuration.stallModel == 1 && F.s.value(in: w) == 1 {
            return .failure("S = 1 but SMMU_IDR0.STALL_MODEL = 0b01 (stalls not supported): ILLEGAL (SMMUv3 5.4 S)")
        }
        if (F.ha.value(in: w) == 1 || F.hd.value(in: w) == 1) && SMMUv3Configuration.httu == 0 {
            return .failure("HA/HD set but SMMU_IDR0.HTTU = 0b00 (no hardware flag updates): ILLEGAL (SMMUv3 5.4 HA, HD)")
        }
        let outBits = min(LPAEGeometry.outputBits(ps: F.ips.value(in: w)) ?? 48, unit.outputAddressBits)
        let affd = F.affd.value(in: w) == 1
        let record = F.r.value(in: w) == 1
        func half(_ name: String, epd: Field, tsz: Field, granule: LPAEGranule?, tgValue: UInt64, ttb: Field, had: Field)
            -> Result<SMMUv3StageGeometry?, SMMUv3ConfigError> {
            guard epd.value(in: w) == 0 else { return .success(nil) }
            guard let g = granule else { return .failure("\(name == "TTB0" ? "TG0" : "TG1") = \(tgValue) is reserved while EP\(name == "TTB0" ? "D0" : "D1") = 0") }
            let sz = tsz.value(in: w)
            guard (16...39).contains(sz) else {
                return .failure("\(name == "TTB0" ? "T0SZ" : "T1SZ") = \(sz) is outside 16-39 (no SMMU_IDR3.STT; QEMU decode_cd)")
            }
            let bits = 64 - Int(sz)
            guard let start = LPAEGeometry.startLevel(g, inputBits: bits) else {
                return .failure("no \(g) walk covers a \(bits)-bit \(name) range")
            }
            // IHI0070 5.4 CD.TTB0/TTB1: ILLEGAL outside the effective IPS, and outside 48 bits with a granule
            // below 64 KiB (DS = 0 in the model), so C_BAD_CD rather than a walk's F_ADDR_SIZE.
            let base = ttb.value(in: w)
            if outBits < 64 && base >> UInt64(outBits) != 0 {
                return .failure("\(name) \(hex(base)) is outside the \(outBits)-bit effective IPS (ILLEGAL, SMMUv3 5.4)")
            }
            if g != .k64 && base >> 48 != 0 {
                return .failure("\(name) \(hex(base)) is outside 48 bits with a \(g) granule and DS = 0 (ILLEGAL, SMMUv3 5.4)")
            }
            let rootBits = bits - LPAEGeometry.levelShift(g, level: start)
            let rootSize = max(UInt64(8) << UInt64(rootBits), 16)
            return .success(SMMUv3StageGeometry(granule: g, startLevel: start, inputBits: bits, outputBits: outBits,
                                                root: ttb.value(in: w) & ~(rootSize - 1), rootIndexBits: rootBits,
                                                accessFlagFaultsDisabled: affd, recordFaults: record,
                                                hierarchicalDisabled: had.value(in: w) == 1))
        }
        let tg0 = F.tg0.value(in: w), tg1 = F.tg1.value(in: w)
        var c = SMMUv3ContextConfig(asid: UInt16(F.asid.value(in: w)), ttb0: nil, ttb1: nil,
                                    t0Bits: UInt8(64 - F.t0sz.value(in: w)), t1Bits: UInt8(64 - F.t1sz.value(in: w)),
                                    tbi: UInt8(F.tbi.value(in: w)), recordFaults: record)
        switch half("TTB0", epd: F.epd0, tsz: F.t0sz, granule: LPAEGranule(tg0: tg0), tgValue: tg0, ttb: F.ttb0, had: F.had0) {
        case .success(let g): c.ttb0 = g
        case .failure(let why): return .failure(why)
        }
        switch half("TTB1", epd: F.epd1, tsz: F.t1sz, granule: LPAEGranule(tg1: tg1), tgValue: tg1, ttb: F.ttb1, had: F.had1) {
        case .success(let g): c.ttb1 = g
        case .failure(let why): return .failure(why)
        }
        return .success(c)
    }
}

/// Why an STE or CD is ILLEGAL: the sentence a C_BAD_STE / C_BAD_CD event carries.
public struct SMMUv3ConfigError: Error, Sendable, Equatable, ExpressibleByStringInterpolation {
    public var reason: String
    public init(stringLiteral value: String) { reason = value }
    public init(stringInterpolation: DefaultStringInterpolation) { reason = String(stringInterpolation: stringInterpolation) }
}
