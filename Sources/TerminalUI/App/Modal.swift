/// A dialog drawn over the panes that takes every key until it closes (the invalidation
/// builder). The app draws it after the panes and shows its hints in the footer.
public protocol Modal: AnyObject {
    /// Footer hints while the dialog is open.
    var hints: [KeyHint] { get }
    /// Draws the dialog somewhere inside `area` (the body of the screen).
    func render(into grid: inout ScreenGrid, area: Rect)
    /// Reacts to a key; every key comes here while the dialog is open.
    func handle(_ key: Key) -> ModalAction
}

/// What a dialog did with a key.
public enum ModalAction: Equatable, Sendable {
    /// Stay open and redraw.
    case stay
    /// Close without doing anything.
    case close
    /// Close and run this line through `AppDelegate.runCommand` (a descriptor submitted as a step).
    case closeAndRun(String)
    /// Stay open and show this message in the footer until the next key.
    case status(String, Role)
}
