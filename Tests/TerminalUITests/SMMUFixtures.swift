import Testing
import Scenario
@testable import TerminalUI

// Bundled SMMUv3 and host scenarios as the panes' known states. Addresses follow from allocation
// order: host tables come from the host pool at PA 0x8000_0000 (the stream table first, then each
// space's tables in the order the scenario maps them; Machine `hostTables`), guest tables from the
// `guest-tables` pool at IPA 0x10_0000, and stage 2 maps IPA g to PA 0x1_0000_0000 + g.

/// A controller on a bundled scenario after `step` steps, at a terminal size.
func bundledController(_ name: String, at step: Int, _ width: Int = 120, _ height: Int = 40) throws -> SessionController {
    var session = Session(try ScenarioParser.parse(try #require(BundledScenarios.named(name)).text, name: name))
    session.goTo(step)
    return SessionController(session: session, size: Size(width: width, height: height))
}
