/// What a cell means, not how it looks: a theme maps each role to colours and attributes.
public enum Role: UInt8, CaseIterable, Sendable, Hashable {
    /// Ordinary text.
    case normal
    /// The frame of a pane that does not have the focus.
    case border
    /// The frame of the focused pane.
    case borderFocused
    /// A pane title (unfocused).
    case title
    /// The title of the focused pane.
    case titleFocused
    /// Column headings of a table.
    case header
    /// The top line of the screen (program, scenario, step).
    case headerBar
    /// The bottom line of the screen (key hints, status).
    case footerBar
    /// The selected row of the focused list.
    case selected
    /// The selected row of a list whose pane does not have the focus.
    case selectedInactive
    /// Secondary text: units, empty cells, explanations.
    case dim
    /// A key name in a hint (`q`, `Tab`).
    case key
    /// The label next to a key name (`quit`).
    case hint
    /// Something to draw the eye to without judging it (the current log step, a changed value).
    case accent
    /// A good outcome.
    case ok
    /// Something the user should look at.
    case warning
    /// A failure or a rejected command.
    case error
    /// A cache hit.
    case hit
    /// A cache miss (a memory reference).
    case miss
    /// A cached entry that no longer matches memory.
    case stale
    /// A translation fault.
    case fault
    /// The filled part of a gauge.
    case gaugeFull
    /// The empty part of a gauge.
    case gaugeEmpty
    /// The selected tab of a tab strip.
    case tabActive
    /// The other tabs of a tab strip.
    case tabInactive
    /// The command prompt line.
    case prompt
    /// Text matching the current filter.
    case match

    /// The name used in theme files (`border-focused`).
    public var themeName: String {
        switch self {
        case .normal: "normal"
        case .border: "border"
        case .borderFocused: "border-focused"
        case .title: "title"
        case .titleFocused: "title-focused"
        case .header: "header"
        case .headerBar: "header-bar"
        case .footerBar: "footer-bar"
        case .selected: "selected"
        case .selectedInactive: "selected-inactive"
        case .dim: "dim"
        case .key: "key"
        case .hint: "hint"
        case .accent: "accent"
        case .ok: "ok"
        case .warning: "warning"
        case .error: "error"
        case .hit: "hit"
        case .miss: "miss"
        case .stale: "stale"
        case .fault: "fault"
        case .gaugeFull: "gauge-full"
        case .gaugeEmpty: "gauge-empty"
        case .tabActive: "tab-active"
        case .tabInactive: "tab-inactive"
        case .prompt: "prompt"
        case .match: "match"
        }
    }

    /// One letter per role for golden role maps in tests (`.` is normal).
    public var code: Character {
        switch self {
        case .normal: "."
        case .border: "b"
        case .borderFocused: "B"
        case .title: "t"
        case .titleFocused: "T"
        case .header: "h"
        case .headerBar: "H"
        case .footerBar: "F"
        case .selected: "s"
        case .selectedInactive: "S"
        case .dim: "d"
        case .key: "k"
        case .hint: "i"
        case .accent: "c"
        case .ok: "o"
        case .warning: "w"
        case .error: "e"
        case .hit: "+"
        case .miss: "-"
        case .stale: "!"
        case .fault: "x"
        case .gaugeFull: "#"
        case .gaugeEmpty: "_"
        case .tabActive: "A"
        case .tabInactive: "n"
        case .prompt: "p"
        case .match: "m"
        }
    }

    /// Looks a role up by its theme-file name.
    public init?(themeName: String) {
        guard let r = Role.allCases.first(where: { $0.themeName == themeName }) else { return nil }
        self = r
    }
}
