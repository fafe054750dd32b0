import Testing
@testable import TerminalUI

/// `:save` reports a write that failed at the flush (ENOSPC on /dev/full) instead of "saved".
@Suite struct SaveFailureTests {
    @Test func aFullDiskIsAFailure() {
        #expect(SessionController.writeFile("/dev/full", String(repeating: "x", count: 100)) == false)
        #expect(SessionController.writeFile("/dev/null", "x") == true)
    }
}
