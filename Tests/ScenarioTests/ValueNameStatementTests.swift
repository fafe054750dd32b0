import Testing
@testable import Scenario
@testable import IOMMUModel

/// `qi` and `cmd` read each value through the descriptor's field table, so names work as in `encode`.
@Suite struct ValueNameStatementTests {
    func command(_ line: String) throws -> MachineCommand {
        guard case .command(let c) = try ScenarioParser.parseLine(line) else { throw LineErrorInfo(column: 0, message: "not a command") }
        return c
    }

    func lineError(_ line: String) -> LineErrorInfo? {
        do { _ = try ScenarioParser.parseLine(line); return nil } catch { return error }
    }

    // VT-d spec 6.5.2.4: G = 1 global, 2 DSI, 3 PSI; the names give the same descriptor as the numbers.
    @Test(arguments: [("global", "1"), ("dsi", "2"), ("domain", "2"), ("psi", "3"), ("page", "3")])
    func iotlbGranularityByName(name: String, number: String) throws {
        #expect(try command("qi iotlb g=\(name) did=2") == command("qi iotlb g=\(number) did=2"))
    }

    // Linux iommu.h: QI_GRAN_NONG_PASID 2 (non-global within the PASID), QI_GRAN_PSI_PASID 3.
    @Test func piotlbNonGlobal() throws {
        #expect(try command("qi piotlb g=nonglobal did=2 pasid=5") == command("qi piotlb g=2 did=2 pasid=5"))
    }

    // SMMUv3 4.4.1.1: command TG 1/2/3 = 4K/16K/64K; CMD_SYNC CS 0/1/2 = none/IRQ/SEV.
    @Test func smmuCommandNames() throws {
        #expect(try command("cmd tlbi-nh-va vmid=1 asid=1 addr=0x1000 tg=64k") == command("cmd tlbi-nh-va vmid=1 asid=1 addr=0x1000 tg=3"))
        #expect(try command("cmd sync cs=sev") == command("cmd sync cs=2"))
    }

    @Test func aBadNameSaysWhereAndListsTheNames() throws {
        let e = try #require(lineError("qi iotlb g=sideways did=1"))
        #expect(e.column == 12)
        #expect(e.message.contains("global (1)") && e.message.contains("dsi") && e.message.contains("psi"))
        let neg = try #require(lineError("qi iotlb g=global did=-1"))
        #expect(neg.message.contains("negative"))
    }

    /// `expect walk-reads` before any DMA says so instead of reporting a count of -1.
    @Test func walkReadsWithoutDMA() throws {
        let s = try ScenarioParser.parse("vtd scalable haw=48\nexpect walk-reads=24\n", name: "t.nss")
        var session = Session(s, checkpointInterval: 0)
        session.runToEnd()
        let text = session.log.map(\.outcome.summary).joined(separator: "\n")
        #expect(text.contains("no DMA has run yet"), "\(text)")
        #expect(!text.contains("-1"))
    }
}
