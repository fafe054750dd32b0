/// The SMMUv3 half of carrying out host actions, the way arm-smmu-v3.c does it: a domain's I/O page
/// table is a VMSAv8-64 space (`domain<id>`), attaching writes the STE (and CD), a nested STE is built
/// from the guest's vSTE, and an IOTLB sync issues TLBI commands and CMD_SYNC (smmuv3.md §1b, §3c).
extension Machine {
    /// Linux's stage-1 and stage-2 domains use the CPU's granule; the model's host is 4 KiB.
    static let hostGranule = LPAEGranule.k4

    mutating func hostSMMUCreateDomain(_ record: inout HostLinks.Domain, width: Int) throws(MachineError) -> HostEffect {
        let bits = min(max(width, 32), 48)
        let format: PageTableFormat
        switch record.format {
        case .smmuStage1: format = .armStage1(Machine.hostGranule, inputBits: bits)
        case .smmuStage2:
            // arm_lpae_alloc_pgtable_s2: start one level lower with concatenated tables when that fits.
            guard let (start, _) = LPAEGeometry.linuxStage2Start(Machine.hostGranule, inputBits: bits) else {
                throw .invalid("no 4 KiB stage-2 walk covers a \(bits)-bit IPA")
            }
            format = .armStage2(Machine.hostGranule, inputBits: bits, startLevel: start)
        default:
            return .domainCreated(domain: record.id, space: nil, format: record.format, levels: 0)
        }
        guard let levels = format.fixedLevels else { throw .invalid("no 4 KiB walk covers a \(bits)-bit input") }
        let name = HostLinks.spaceName(record.id)
        _ = try createSpace(name: name, format: format, levels: levels, backing: .host, root: nil)
        record.space = name
        return .domainCreated(domain: record.id, space: name, format: record.format, levels: levels)
    }

    /// A paging domain attached to a device: arm_smmu_make_cdtable_ste + arm_smmu_make_s1_cd for a
    /// stage-1 domain, arm_smmu_make_s2_domain_ste for a stage-2 one.
    mutating func hostSMMUAttach(device: String, domain d: HostDomainID, tag: PagingDomainTag) throws(MachineError) -> [HostEffect] {
        let s = try hostDomainSpace(d)
        let dev = try self.device(named: device)
        var effects: [HostEffect] = []
        var record = HostLinks.SMMUInstalled(device: device, sid: dev.sid, domain: d, asid: nil, vmid: 0, ats: dev.ats, parent: nil)
        switch tag.format {
        case .smmuStage1:
            let asid = tag.id
            let ste = try smmuWriteSTE(SMMUv3STESpec(device: device, config: .stage1))
            let cd = try smmuWriteCD(SMMUv3CDSpec(device: device, index: 0, asid: asid, stage1: s))
            effects += [.configured(ste.summary), .configured(cd.summary)]
            record.asid = asid
        case .smmuStage2:
            let vmid = tag.id
            var spec = SMMUv3STESpec(device: device, config: .stage2)
            spec.vmid = vmid
            spec.stage2 = s
            effects.append(.configured(try smmuWriteSTE(spec).summary))
            record.vmid = vmid
        default:
            throw .invalid("a \(tag.format) tag for an SMMUv3 device")
        }
        hostModel.links.smmuInstalled.removeAll { $0.device == device }
        hostModel.links.smmuInstalled.append(record)
        effects.append(try hostSMMUIssue([SMMUv3HostCommands.cfgiSTE(sid: dev.sid)], why: "arm_smmu_write_ste (CFGI_STE)"))
        return effects
    }

    /// arm_smmu_make_nested_domain_ste over the parent's stage 2.
    mutating func hostSMMUInstallNested(device: String, kind: SMMUNestedSTEKind, vste: [UInt64], parent: HostDomainID,
                                        vmid: UInt16, ats: Bool) throws(MachineError) -> [HostEffect] {
        let s2 = try hostDomainSpace(parent)
        let dev = try self.device(named: device)
        let out = try smmuInstallNestedSTE(device: device, kind: kind, vste: vste, stage2: s2, vmid: vmid, ats: ats)
        hostModel.links.smmuInstalled.removeAll { $0.device == device }
        hostModel.links.smmuInstalled.append(HostLinks.SMMUInstalled(device: device, sid: dev.sid, domain: parent, asid: nil, vmid: vmid,
                                                              ats: ats, parent: parent))
        return [.configured(out.summary), try hostSMMUIssue([SMMUv3HostCommands.cfgiSTE(sid: dev.sid)], why: "arm_smmu_write_ste (CFGI_STE)")]
    }

    /// The IOTLB sync after an unmap (arm_smmu_tlb_inv_range_domain / _s2, then ATC_INV for ATS
    /// masters): per-page non-range TLBIs for small ranges, the ASID or VMID whole past 32 pages
    /// (the model's stand-in for CMDQ_MAX_TLBI_OPS), and for a nest parent TLBI_NH_ALL of its VMID.
    mutating func hostSMMUFlush(_ d: HostDomainID, iova: UInt64, size: UInt64) throws(MachineError) -> HostEffect? {
        guard size > 0 else { return nil }
        var commands: [[UInt64]] = []
        let pages = (size + 0xfff) >> 12
        for e in hostModel.links.smmuInstalled where e.domain == d {
            if e.parent != nil {
                // A nest parent: its stage-2 entries and every combined entry of the VMID.
                commands += pages <= 32 ? (0..<pages).map { SMMUv3HostCommands.tlbiS2IPA(vmid: e.vmid, ipa: iova + $0 << 12) }
                                        : [SMMUv3HostCommands.tlbiS12VMALL(vmid: e.vmid)]
                commands.append(SMMUv3HostCommands.tlbiNHAll(vmid: e.vmid))
            } else if let asid = e.asid {
                commands += pages <= 32 ? (0..<pages).map { SMMUv3HostCommands.tlbiNHVA(asid: asid, va: iova + $0 << 12) }
                                        : [SMMUv3HostCommands.tlbiNHASID(asid: asid)]
            } else {
                commands += pages <= 32 ? (0..<pages).map { SMMUv3HostCommands.tlbiS2IPA(vmid: e.vmid, ipa: iova + $0 << 12) }
                                        : [SMMUv3HostCommands.tlbiS12VMALL(vmid: e.vmid)]
            }
            if e.ats { commands.append(SMMUv3HostCommands.atcInv(sid: e.sid, firstPage: iova >> 12, lastPage: (iova + size - 1) >> 12)) }
        }
        guard !commands.isEmpty else { return nil }
        return try hostSMMUIssue(commands, why: "arm_smmu_tlb_inv_range_domain \(HostLinks.spaceName(d)) [\(groupedHex(iova)), +\(byteSizeLabel(size))]")
    }

    /// Commands on the queue, then the CMD_SYNC the driver adds (arm_smmu_cmdq_issue_cmdlist with sync).
    mutating func hostSMMUIssue(_ commands: [[UInt64]], why: String) throws(MachineError) -> HostEffect {
        .commands(why: why, results: try smmuIssueCommands(commands + [SMMUv3HostCommands.sync()]))
    }

    /// The STE goes back to abort when the device is detached (arm_smmu_make_abort_ste + CFGI_STE).
    mutating func hostSMMUDetach(device: String) throws(MachineError) -> [HostEffect] {
        guard let e = hostModel.links.smmuInstalled.first(where: { $0.device == device }) else { return [] }
        let out = try smmuWriteSTE(SMMUv3STESpec(device: device, config: .abort))
        hostModel.links.smmuInstalled.removeAll { $0.device == device }
        var commands = [SMMUv3HostCommands.cfgiSTE(sid: e.sid)]
        commands.append(e.asid.map { SMMUv3HostCommands.tlbiNHASID(asid: $0) } ?? SMMUv3HostCommands.tlbiS12VMALL(vmid: e.vmid))
        return [.configured(out.summary), try hostSMMUIssue(commands, why: "arm_smmu_attach_dev (blocked): CFGI_STE and the old tags")]
    }
}

/// The commands the driver builds, encoded with the command field tables (one description each).
enum SMMUv3HostCommands {
    static func make(_ kind: String, _ fields: [(String, UInt64)]) -> [UInt64] {
        (try? StructureCatalog.kind(named: kind).encode(fields).1) ?? [0, 0]
    }
    static func cfgiSTE(sid: UInt32) -> [UInt64] { make("smmu-cmd-cfgi-ste", [("sid", UInt64(sid)), ("leaf", 1)]) }
    static func tlbiNHVA(asid: UInt16, va: UInt64) -> [UInt64] { make("smmu-cmd-tlbi-nh-va", [("asid", UInt64(asid)), ("addr", va & ~0xfff), ("leaf", 1)]) }
    static func tlbiNHASID(asid: UInt16) -> [UInt64] { make("smmu-cmd-tlbi-nh-asid", [("asid", UInt64(asid))]) }
    static func tlbiNHAll(vmid: UInt16) -> [UInt64] { make("smmu-cmd-tlbi-nh-all", [("vmid", UInt64(vmid))]) }
    static func tlbiS2IPA(vmid: UInt16, ipa: UInt64) -> [UInt64] { make("smmu-cmd-tlbi-s2-ipa", [("vmid", UInt64(vmid)), ("addr", ipa & ~0xfff), ("leaf", 1)]) }
    static func tlbiS12VMALL(vmid: UInt16) -> [UInt64] { make("smmu-cmd-tlbi-s12-vmall", [("vmid", UInt64(vmid))]) }
    static func atcInv(sid: UInt32, firstPage: UInt64, lastPage: UInt64) -> [UInt64] {
        let (size, address) = SMMUv3ATCRange.linuxCommand(firstPage: firstPage, lastPage: lastPage)
        return make("smmu-cmd-atc-inv", [("sid", UInt64(sid)), ("size", size), ("addr", address)])
    }
    static func sync() -> [UInt64] { make("smmu-cmd-sync", [("cs", 2), ("msh", 3), ("msiattr", 0xf)]) }
}
