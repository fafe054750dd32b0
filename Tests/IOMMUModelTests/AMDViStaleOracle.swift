@testable import IOMMUModel

/// The differential oracle's entries on AMD-Vi: each cached entry alone in a copy of the unit, with the
/// requests that could reach it (StaleOracle.swift decides; this file only lists them).
extension StaleOracle {
    static func entries(_ u: AMDViUnit, workingSet: [UInt64], pasids: [UInt32?]) -> [Entry] {
        var out: [Entry] = []
        for id in u.deviceTableCache.keys.sorted() {
            guard let e = u.deviceTableCache[id] else { continue }
            out.append(Entry(key: e.key, what: "DTE \(hex(UInt64(id)))", alone: u.keepingOnly(e.key),
                             requests: pasids.map { (UInt32(id), $0, workingSet, false) }, paging: false))
        }
        for e in u.iotlb {
            let size = UInt64(1) << UInt64(e.pageShift)
            let inside = workingSet.filter { $0 >= e.page && $0 - e.page < size }
            out.append(Entry(key: e.key, what: e.summary, alone: u.keepingOnly(e.key),
                             requests: [(UInt32(e.deviceID), e.pasid, [e.page] + inside, false)], paging: false))
        }
        return out
    }
}
