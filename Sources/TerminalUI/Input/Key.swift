/// A key press, a mouse event or a resize, as the app sees it (the backend translates
/// ncurses codes into these).
public enum Key: Equatable, Hashable, Sendable {
    /// A printable character (already decoded from UTF-8).
    case char(Character)
    /// Ctrl plus a letter, as the lower-case letter (`.ctrl("u")` is Ctrl-U).
    case ctrl(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case tab
    /// Shift-Tab (ncurses KEY_BTAB).
    case backTab
    case enter
    case escape
    case backspace
    /// The Delete key (delete the character under the cursor).
    case delete
    /// A function key, F1 = `.function(1)`.
    case function(Int)
    /// The terminal now has this size.
    case resize(Size)
    /// A mouse event at a screen cell.
    case mouse(MouseEvent)
    /// Text the terminal marked as pasted (bracketed paste): text to insert, never keys to run.
    case paste(String)
}

/// A mouse event at a position. For panes the position is relative to the pane's interior
/// (the cell right below the top-left corner of its frame is (0, 0)); on the title row
/// (y = -1) x counts from the first column of the pane's `titleAccessory`.
public struct MouseEvent: Equatable, Hashable, Sendable {
    public enum Kind: Equatable, Hashable, Sendable {
        /// Button 1 pressed or clicked.
        case click
        case wheelUp
        case wheelDown
    }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(_ kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }

    /// The same event with its position moved by (-dx, -dy).
    public func relative(to origin: Position) -> MouseEvent {
        MouseEvent(kind, x: x - origin.x, y: y - origin.y)
    }
}

extension Key {
    /// The name shown in help and in footer hints.
    public var displayName: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-" + String(c).uppercased()
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        case .mouse: "mouse"
        case .paste: "paste"
        }
    }
}
