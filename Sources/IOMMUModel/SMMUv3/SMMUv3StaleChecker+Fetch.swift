/// The stale check of the stage-2 translations cached for table and CD fetches (SMMUv3FetchTLB.swift):
/// the request such an entry answers is "stage 2 of this IPA under this VMID", so it is stale when a
/// fresh stage-2 walk of its IPA gives another PA, other permissions or a fault.
extension SMMUv3StaleChecker {
    static func checkFetch(_ e: SMMUv3FetchTLBEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = unit
        var trace = WalkTrace()
        // Only a nested STE with this VMID fetches tables through stage 2; otherwise the entry is dead, not stale.
        guard case .success(let ste) = scratch.readSTE(sid: e.sid, memory: memory, trace: &trace, policy: .none),
              ste.config.kind == .nested, let g2 = ste.config.stage2, ste.config.vmid == e.vmid else { return nil }
        func walk(_ ipa: UInt64) -> SMMUv3StageResult {
            scratch.stage2Walk(g2, vmid: e.vmid, input: ipa, row: 0, origin: (e.sid, e.ssid), memory: memory, trace: &trace, policy: .none)
        }
        let now = walk(e.input)
        var problem: EntryState? = nil
        if let id = now.fault {
            problem = SMMUv3Unit.state(.fault(code: id.rawValue, stage2: true), detail: now.detail)
        } else if now.output != e.output || now.attributes != e.attributes {
            problem = .translation(label: "pa", address: now.output, perms: now.attributes.permissions)
        } else if now.pageShift < e.pageShift {
            // Memory now maps the block in smaller pieces: the last page must still follow it.
            let last = walk(e.input + e.size - 1)
            if last.fault != nil || last.output != e.output + e.size - 1 || last.attributes != e.attributes {
                problem = .differentMapping(pageShift: e.pageShift)
            }
        }
        guard let problem else { return nil }
        let vmid = UInt64(e.vmid)
        return finding(SMMUv3Unit.fetchTLBCacheID, e.key, e.summary,
                       holds: .translation(label: "pa", address: e.output, perms: e.attributes.permissions), now: problem,
                       fix: fix(0x2A, [("vmid", vmid), ("addr", e.input), ("leaf", 1)],
                                note: "the stage-2 translation of a table fetch is a last-level stage-2 entry: Leaf = 1 reaches it"),
                       path: path(trace),
                       alternatives: [fix(0x2A, [("vmid", vmid), ("addr", e.input), ("leaf", 0)]), fix(0x28, [("vmid", vmid)])])
    }
}
