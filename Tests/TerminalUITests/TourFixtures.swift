import Testing
import Scenario
@testable import TerminalUI

// The bundled `tour` scenario as the panes' known state. Its steps (Sources/Scenario/Bundled/
// Tour.swift): 1 setup (VT-d scalable, device nic 00:02.0 with ATS, s2 maps GPA 0 → HPA
// 0x1_0000_0000 16M with 4K pages, guest tables at GPA 0x10_0000), 3 s1 maps IOVA 0x4000_0000 →
// GPA 0x20_0000, 4 attaches PASID 5 nested with DID 2, 5 the cold DMA, 6 the ATC hit,
// 7 the neighbouring page, 8 the unmap without invalidation, 9 the stale DMA, 10 the IOTLB
// invalidation, 11 the device-TLB invalidation, 12 the faulting DMA.

/// A controller on the tour after `step` steps, at a terminal size.
func tourController(at step: Int, _ width: Int = 120, _ height: Int = 40) throws -> SessionController {
    var session = Session(try ScenarioParser.parse(try #require(BundledScenarios.named("tour")).text, name: "tour"))
    session.goTo(step)
    return SessionController(session: session, size: Size(width: width, height: height))
}

/// One pane drawn alone into a grid of `width`×`height` (its interior), rows trimmed.
func paneLines(_ pane: any Pane, _ width: Int, _ height: Int, focused: Bool = true) -> [String] {
    var g = ScreenGrid(width: width, height: height)
    pane.render(into: &g, rect: g.bounds, focused: focused)
    return g.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// The role codes of one pane drawn alone (see `Role.code`).
func paneRoles(_ pane: any Pane, _ width: Int, _ height: Int, focused: Bool = true) -> [String] {
    var g = ScreenGrid(width: width, height: height)
    pane.render(into: &g, rect: g.bounds, focused: focused)
    return g.roleMap.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// The text of the frame's header line.
func headerText(_ c: SessionController) -> String { c.app.render().rowText(0) }
