/// A piece of text with one role; a line of styled text is an array of spans.
public struct Span: Equatable, Sendable {
    public var text: String
    public var role: Role
    public init(_ text: String, _ role: Role = .normal) { self.text = text; self.role = role }

    /// Display width of the text.
    public var width: Int { TextMetrics.width(text) }
}

extension Array where Element == Span {
    /// Display width of all spans together.
    public var width: Int { reduce(0) { $0 + $1.width } }
    /// The plain text of all spans.
    public var plainText: String { map(\.text).joined() }
}
