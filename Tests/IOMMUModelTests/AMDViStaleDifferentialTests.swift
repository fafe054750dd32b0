import Testing
import Foundation
@testable import IOMMUModel

/// The AMD-Vi checker against the independent oracle (`StaleOracle`, issue 13 item 4; issue 18) over random
/// scenarios. Per seed (SplitMix64, so a failing seed replays exactly), a nested machine (4-level v2 over
/// 4-level v1, PASID 1) or a host-only one (3-level v1) runs `steps` random steps: a DMA (read/write,
/// user/privileged) at a working-set address; a remap or unmap of one page; clearing a table entry one or two
/// levels above the leaf; moving a guest table page in the v1 table (nested); a DTE edit of a field the walk
/// uses (domain ID, IW, TV) or a GCR3 entry cleared or rewritten; a command of random scope
/// (INVALIDATE_IOMMU_PAGES with a random S-bit range, GN, PASID, domain and PDE; INVALIDATE_DEVTAB_ENTRY;
/// INVALIDATE_IOMMU_ALL) or random words. After every step the checker's stale keys must equal the oracle's
/// verdicts; every tenth step the first finding's fix must pass its proof. The checker flags a DTE-cache entry
/// whose words differ from memory's; the generator only edits fields the walk reads, and the oracle probes
/// DTE entries at a canary page too (with PASID 1's GCR3 entry valid), so a DTE change is always observable. `NESTSCOPE_LONG_FUZZ=N` runs N seeds.
@Suite struct AMDViStaleDifferentialTests {
    enum Setup: CaseIterable, Sendable { case nested, hostOnly }

    struct World {
        var m: Machine
        var leaf: String
        var pasid: UInt32?
        var nested: Bool
        let workingSet: [UInt64] = [0x4000_0000, 0x4000_1000, 0x4000_3000, 0x4020_0000]
        let canary: UInt64 = 0x4800_0000
        var canaryOutput: UInt64
    }

    static func world(_ s: Setup) throws -> World {
        var m = Machine()
        try m.apply(.amdviSetup(AMDViConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x18)))
        switch s {
        case .nested:
            try m.apply(.createSpace(name: "hs", format: .amdV1, levels: 4, backing: .host, root: nil))
            try m.apply(.map(space: "hs", input: 0, output: 0x1_0000_0000, size: 0x40_0000, perms: [.read, .write], pageSize: 0x1000))
            try m.apply(.createSpace(name: "gs", format: .amdV2, levels: 4, backing: .guest(stage2: "hs"), root: nil))
            try m.apply(.map(space: "gs", input: 0x4000_0000, output: 0x20_0000, size: 0x4000, perms: [.read, .write, .user], pageSize: 0x1000))
            var dte = AMDViDTESpec(device: "dev0", domain: 1, host: "hs")
            dte.guest = true
            try m.apply(.amdviDTE(dte))
            try m.apply(.amdviGCR3(device: "dev0", pasid: 1, guest: "gs"))
            return World(m: m, leaf: "gs", pasid: 1, nested: true, canaryOutput: 0x30_0000)
        case .hostOnly:
            try m.apply(.createSpace(name: "hs", format: .amdV1, levels: 3, backing: .host, root: nil))
            try m.apply(.map(space: "hs", input: 0x4000_0000, output: 0x9000_0000, size: 0x4000, perms: [.read, .write], pageSize: 0x1000))
            try m.apply(.amdviDTE(AMDViDTESpec(device: "dev0", domain: 1, host: "hs")))
            return World(m: m, leaf: "hs", pasid: nil, nested: false, canaryOutput: 0x9070_0000)
        }
    }

    static func command(_ name: String, _ values: [(String, UInt64)]) -> [UInt64] {
        (try? StructureCatalog.kind(named: "amdvi-cmd-" + name).encode(values).1) ?? [0, 0]
    }

    /// One random step (errors from steps that do not apply, e.g. unmapping nothing, are ignored).
    static func step(_ w: inout World, _ rng: inout SplitMix64) {
        let a = w.workingSet[rng.below(w.workingSet.count)]
        let outputs: [UInt64] = w.nested ? [0x20_0000, 0x30_0000, 0x38_0000] : [0x9000_0000, 0x9010_0000]
        switch rng.below(12) {
        case 0, 1, 2, 3:
            _ = try? w.m.apply(.dma(device: "dev0", pasid: w.pasid, address: a | UInt64(rng.below(64)) * 8,
                                    access: rng.below(2) == 0 ? .read : .write, privileged: rng.below(4) == 0))
        case 4:
            let perms: [Permissions] = w.nested ? [[.read, .user], [.read, .write, .user], [.read, .write]] : [[.read], [.read, .write]]
            _ = try? w.m.apply(.unmap(space: w.leaf, input: a, size: 0x1000))
            _ = try? w.m.apply(.map(space: w.leaf, input: a, output: outputs[rng.below(outputs.count)] + UInt64(rng.below(4)) * 0x1000,
                                    size: 0x1000, perms: perms[rng.below(perms.count)], pageSize: 0x1000))
        case 5:
            _ = try? w.m.apply(.unmap(space: w.leaf, input: a, size: 0x1000))
        case 6:
            _ = try? w.m.apply(.setEntry(space: w.leaf, input: a, level: 2 + rng.below(2), value: 0))
        case 7:
            // Nested: the host moves a guest table page (its GPA now maps an empty page). Host-only: another DTE edit.
            if w.nested {
                let gpa = 0x10_0000 + UInt64(rng.below(6)) * 0x1000
                _ = try? w.m.apply(.unmap(space: "hs", input: gpa, size: 0x1000))
                // Each GPA moves to pages of its own: two guest tables sharing a page would make the canary's own
                // writes (below) land in another table.
                let spa = 0x1_00F0_0000 + (gpa - 0x10_0000) * 4 + UInt64(rng.below(4)) * 0x1000
                _ = try? w.m.apply(.map(space: "hs", input: gpa, output: spa, size: 0x1000, perms: [.read, .write], pageSize: 0x1000))
            } else {
                _ = try? w.m.apply(.amdviEditDTE(device: "dev0", fields: [AMDViFieldValue("iw", UInt64(rng.below(2)))]))
            }
        case 8:
            if w.nested && rng.below(2) == 0 {
                _ = try? w.m.apply(.amdviGCR3(device: "dev0", pasid: 1, guest: rng.below(2) == 0 ? nil : "gs"))
            } else {
                let edits = [AMDViFieldValue("domain_id", UInt64(1 + rng.below(2))), AMDViFieldValue("iw", UInt64(rng.below(2))),
                             AMDViFieldValue("tv", rng.below(4) == 0 ? 0 : 1)]
                _ = try? w.m.apply(.amdviEditDTE(device: "dev0", fields: [edits[rng.below(edits.count)]]))
            }
        default:
            _ = try? w.m.apply(.queue(entries: [invalidation(w, a, &rng)]))
        }
    }

    static func invalidation(_ w: World, _ a: UInt64, _ rng: inout SplitMix64) -> [UInt64] {
        switch rng.below(8) {
        case 0, 1, 2, 3:
            // One page (S = 0), or S = 1 ranges of 8 KiB, 2 MiB and the whole space (48882 §2.4.3 size encoding).
            let sizes: [UInt64] = [0x1000, 0x2000, 0x20_0000, 1 << 52]
            let size = sizes[rng.below(sizes.count)]
            let enc = AMDViInvalidationRange.encode(address: a, size: size)
            var v: [(String, UInt64)] = [("domain_id", UInt64(1 + rng.below(2))), ("addr", enc.address), ("s", enc.s ? 1 : 0),
                                         ("pde", UInt64(rng.below(2)))]
            if w.nested ? rng.below(4) != 0 : rng.below(4) == 0 { v += [("gn", 1), ("pasid", UInt64(1 + rng.below(2)))] }
            return command("invalidate-iommu-pages", v)
        case 4: return command("invalidate-devtab-entry", [("device_id", rng.below(3) == 0 ? 0x20 : 0x18)])
        case 5: return command("invalidate-iommu-all", [])
        case 6: return command("completion-wait", [("store", 1), ("store_addr", 0x7000), ("store_data", rng.next() & 0xffff)])
        default: return [rng.next() & (rng.below(2) == 0 ? 0xf000_0000_00ff_ffff : ~0), rng.next()]
        }
    }

    /// Runs one seed; returns the disagreements (empty when the checker and the oracle agree throughout).
    static func run(_ setup: Setup, seed: UInt64, steps: Int = 30) throws -> (mismatches: [String], cases: Int, stale: Int) {
        var rng = SplitMix64(state: seed &* 0x9E37_79B9 &+ UInt64(Setup.allCases.firstIndex(of: setup) ?? 0) &+ 101)
        var w = try world(setup)
        var mismatches: [String] = []
        var cases = 0, stale = 0
        var history: [String] = []
        for i in 0..<steps {
            let before = w.m.step
            step(&w, &rng)
            history.append(w.m.step == before ? "-" : (w.m.changeLog[w.m.step] ?? w.m.lastDMA.map { "dma \(hex($0.request.address))" } ?? "queue/other"))
            let unit = try #require(w.m.iommu as? AMDViUnit)
            let findings = unit.staleFindings(memory: w.m.memory)
            let flagged = Set(findings.map(\.key))
            let empty: any IOMMU = unit.emptied()
            var oracle = StaleOracle(memory: w.m.memory, empty: empty)
            // Configuration (DTE) entries are also probed at a canary page mapped in a copy of memory, so a
            // change shows even when every working-set page faults now.
            var canaryMachine = w.m
            _ = try canaryMachine.apply(.map(space: w.leaf, input: w.canary, output: w.canaryOutput, size: 0x1000,
                                              perms: w.nested ? [.read, .write, .user] : [.read, .write], pageSize: 0x1000))
            // Nested: the canary copy's GCR3 entry is rewritten (through the v1 table as it is now), so a cleared
            // or moved GCR3 table does not hide a DTE change from every probe.
            if w.nested { _ = try? canaryMachine.apply(.amdviGCR3(device: "dev0", pasid: 1, guest: "gs")) }
            var canary = StaleOracle(memory: canaryMachine.memory, empty: empty)
            for e in StaleOracle.entries(unit, workingSet: w.workingSet, pasids: [w.pasid]) {
                cases += 1
                var why = oracle.stale(e, unit: unit)
                if why == nil, e.configuration {
                    var probe = e
                    probe.requests = e.requests.map { ($0.sid, $0.pasid, [w.canary], $0.ats) }
                    why = canary.stale(probe, unit: unit).map { "canary: " + $0 }
                }
                if why != nil { stale += 1 }
                if (why != nil) != flagged.contains(e.key) {
                    let f = findings.first { $0.key == e.key }
                    mismatches.append("\(setup) seed \(seed) step \(i): \(e.what): oracle \(why ?? "not stale"), checker "
                                      + (f.map { "stale (holds \($0.holds); memory now \($0.memoryNow))" } ?? "not stale") + " after: \(history.suffix(4).joined(separator: " | "))")
                }
            }
            if i % 10 == 9, let f = findings.first, f.fix.entries.isEmpty {
                mismatches.append("\(setup) seed \(seed) step \(i): no proven fix for \(f.entry): \(f.fix.text)")
            }
            if mismatches.count > 5 { break }
        }
        return (mismatches, cases, stale)
    }

    static var seeds: Int { ProcessInfo.processInfo.environment["NESTSCOPE_LONG_FUZZ"].flatMap(Int.init) ?? 3 }

    @Test(arguments: Setup.allCases)
    func checkerAgreesWithTheOracle(_ setup: Setup) throws {
        var all: [String] = []
        var cases = 0, stale = 0
        for seed in 1...UInt64(Self.seeds) {
            let r = try Self.run(setup, seed: seed)
            all += r.mismatches
            cases += r.cases
            stale += r.stale
        }
        // Not vacuous: entries were compared, and some of them were stale.
        #expect(cases > 0 && stale > 0, "\(cases) cases, \(stale) stale")
        #expect(all.isEmpty, "\(all.prefix(8).joined(separator: "\n"))")
        print("AMDViStaleDifferentialTests \(setup): \(cases) entry verdicts, \(stale) stale")
    }
}
