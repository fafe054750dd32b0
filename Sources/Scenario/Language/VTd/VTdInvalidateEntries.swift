import IOMMUModel

/// The entries of an `iommufd invalidate … entries:` line on VT-d: `struct iommu_hwpt_vtd_s1_invalidate`
/// (include/uapi/linux/iommufd.h), one group per entry: addr=, npages=, flags=, reserved=, leaf.
extension Statements {
    static func vtdInvalidateEntries(_ groups: [[Token]]) throws(LineError) -> HWPTInvalidateSpec.Entries {
        var entries: [VTdS1InvalidateEntry] = []
        for g in groups {
            var e = VTdS1InvalidateEntry(addr: 0, npages: 0)
            var seen: Set<String> = []
            for t in g {
                if t.text.lowercased() == "leaf" { e.flags |= VTdS1InvalidateEntry.flagLeaf; continue }
                guard let kv = t.keyValue else { throw LineError(t.column, "expected addr=, npages=, flags=, reserved= or leaf, got '\(t.text)'") }
                let v: UInt64
                do { v = try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "\(kv.key): \(error)") }
                switch kv.key {
                case "addr": e.addr = v
                case "npages": e.npages = v
                case "flags", "reserved":
                    guard v <= UInt64(UInt32.max) else { throw LineError(t.valueColumn, "\(kv.key) is a 32-bit member") }
                    if kv.key == "flags" { e.flags |= UInt32(v) } else { e.reserved = UInt32(v) }
                default: throw LineError(t.column, "unknown entry member '\(kv.key)' (addr, npages, flags, reserved, leaf)")
                }
                seen.insert(kv.key)
            }
            guard seen.contains("addr") && seen.contains("npages") else {
                throw LineError(g[0].column, "each entry needs addr= and npages= (npages=-1 with addr=0 means everything)")
            }
            entries.append(e)
        }
        return .vtd(entries)
    }
}
