import Testing
@testable import IOMMUModel

/// STE.S2R and CD.R decide whether a fault is recorded in the event queue (SMMUv3 5.2 S2R, 5.4 R),
/// not what a transaction gets, so a cached STE or CD that differs from memory only there answers
/// every request as memory does: not stale (issue 13's definition: output, permissions, page size,
/// fault and its reason). Config, VMID or ASID changes stay stale.
@Suite struct SMMUv3RecordBitsTests {
    static let cases: [(cd: Bool, field: String, value: UInt64, stale: Bool)] = [
        (false, "s2r", 0, false), (true, "r", 0, false), (false, "s2vmid", 2, true), (true, "asid", 3, true)]

    @Test(arguments: cases.indices)
    func onlyAnswerChangingFieldsMakeConfigurationEntriesStale(_ i: Int) throws {
        let c = Self.cases[i]
        var m = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        if c.cd {
            try m.apply(.smmuEditCD(device: "dev0", index: 0, fields: [SMMUv3FieldValue(c.field, c.value)]))
        } else {
            try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue(c.field, c.value)]))
        }
        let caches = try #require(m.smmu).staleFindings(memory: m.memory).map(\.key.cache)
        #expect(caches.contains(c.cd ? SMMUv3Unit.cdCacheID : SMMUv3Unit.steCacheID) == c.stale, "\(c.field): \(caches)")
    }
}
