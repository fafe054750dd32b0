/// One numbered, framed area of the screen: "model snapshot in, rows/cells out".
///
/// The app draws the frame (`┌1 PASID entries ───┐`, focused or not) and calls `render`
/// with the rectangle inside it. Keys go to the focused pane first; a pane returns
/// `.ignored` for keys it does not use, and the app then applies its own meaning (step,
/// focus, help, quit…). Panes are classes so the app and the code that feeds them model
/// snapshots share one instance.
public protocol Pane: AnyObject {
    /// Title shown after the pane's number in the top border ("PASID entries").
    var title: String { get }
    /// Styled text after the title in the top border (a tab strip, "24 refs"); default none.
    var titleAccessory: [Span] { get }
    /// A short name for the pane switcher of the narrow layout; default `title`.
    var shortTitle: String { get }
    /// Footer hints while the pane has the focus (the app appends its global hints).
    var hints: [KeyHint] { get }
    /// The pane's keys for the help overlay; default `hints`.
    var helpHints: [KeyHint] { get }
    /// Share of the column height relative to other panes in the default layout; default 1.
    var layoutWeight: Int { get }
    /// Interior rows the pane needs to be useful; the default layout switches to one pane at
    /// a time when it cannot give every pane this many. Default 3.
    var minimumHeight: Int { get }
    /// The current `/` filter, or nil when the pane cannot be filtered (the default).
    var filterText: String? { get }
    /// True while the pane takes every key (an edit line is open): the footer then shows only
    /// the pane's hints. Default false.
    var capturesAllKeys: Bool { get }

    /// Draws the pane's content into `rect` (the area inside the frame; writes outside it
    /// are clipped away). Called for every frame, so it must only draw what fits.
    func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool)
    /// Reacts to a key. Mouse events arrive relative to the pane interior; on the title row
    /// (y = -1) x counts from the start of `titleAccessory` (see `MouseEvent`).
    func handle(_ key: Key) -> Handled
    /// Narrows the pane's list to rows containing `text` (called as the user types after `/`).
    func setFilter(_ text: String)
}

extension Pane {
    public var titleAccessory: [Span] { [] }
    public var shortTitle: String { title }
    public var hints: [KeyHint] { [] }
    public var helpHints: [KeyHint] { hints }
    public var layoutWeight: Int { 1 }
    public var minimumHeight: Int { 3 }
    public var filterText: String? { nil }
    public var capturesAllKeys: Bool { false }
    public func setFilter(_ text: String) {}
}

/// What a pane (or the app delegate's key hook) did with a key.
public enum Handled: Equatable, Sendable {
    /// Not used: the app applies its own meaning to the key.
    case ignored
    /// Used; the frame is redrawn.
    case handled
    /// Used, and the app opens the detail overlay with this text (Enter on a row).
    case showDetail(title: String, text: String)
    /// Used, and the app runs this line through `AppDelegate.runCommand` (a decoder pane
    /// submitting a descriptor, an invalidation builder) and shows the result.
    case runCommand(String)
    /// Used, and the app moves the focus to the pane at this index.
    case focusPane(Int)
    /// Used, and the app shows this message in the footer until the next key.
    case status(String, Role)
}
