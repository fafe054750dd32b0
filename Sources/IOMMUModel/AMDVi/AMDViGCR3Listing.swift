/// Reading a DTE's GCR3 table for the views, as the IOMMU reaches it (48882 §2.2.6): each GCR3 level's
/// table pointer through the host (v1) table when the DTE's Mode is not 0. No cache is read or filled.
extension AMDViWalker {
    /// SPA of a GCR3-table address: itself with Mode = 0, else its host (v1) translation; nil when unmapped.
    func gcr3HostAddress(_ address: UInt64, dte: [UInt64], memory: PhysicalMemory) -> UInt64? {
        let mode = Int(rules.dte.mode.value(in: dte))
        guard mode != 0 else { return address }
        guard mode <= AMDViPagingRules.maxHostLevels else { return nil }
        var hooks = AMDViHooks(rules: rules, hostRoot: rules.dte.hostRoot.value(in: dte), hostLevels: mode, domain: 0)
        var trace = WalkTrace()
        return hooks.hostWalk(address, row: -1, memory: memory, trace: &trace)?.spa
    }

    /// The valid last-level GCR3 entries of a DTE with GV = 1, PASID ascending, at most `limit`: the PASID, the
    /// entry's address (a GPA when nested) and its value.
    public func gcr3Entries(dte: [UInt64], memory: PhysicalMemory, limit: Int = 64) -> [(pasid: UInt64, address: UInt64, value: UInt64)] {
        guard dte.count == 4, rules.dte.gv.value(in: dte) == 1 else { return [] }
        var out: [(pasid: UInt64, address: UInt64, value: UInt64)] = []
        func visit(_ table: UInt64, level: Int, prefix: UInt64) {
            guard out.count < limit, let host = gcr3HostAddress(table, dte: dte, memory: memory) else { return }
            for i in UInt64(0)..<512 {
                let v = memory.read64(host &+ i &* 8)
                guard v & rules.gcr3Valid != 0 else { continue }
                let pasid = prefix << 9 | i
                if level == 0 {
                    out.append((pasid, table &+ i &* 8, v))
                    if out.count >= limit { return }
                } else {
                    visit(v & rules.gcr3Address, level: level - 1, prefix: pasid)
                }
            }
        }
        visit(AMDViDTEFormat.gcr3Root(dte), level: min(Int(rules.dte.glx.value(in: dte)), 2), prefix: 0)
        return out
    }
}
