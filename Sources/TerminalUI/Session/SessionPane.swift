/// A pane fed from the session: `update` runs once per new state (after a step, a command, a
/// reload), `render` once per frame and only reads what `update` kept.
public protocol SessionPane: Pane {
    func update(_ snapshot: UISnapshot)
}

/// Something to show in the decoder pane: a KIND from the catalog, its qwords, its parameters,
/// and where it came from (for the pane's title).
public struct DecoderRequest: Equatable, Sendable {
    public var kind: String
    public var words: [UInt64]
    public var params: [String: String]
    public var origin: String

    public init(kind: String, words: [UInt64], params: [String: String] = [:], origin: String) {
        self.kind = kind; self.words = words; self.params = params; self.origin = origin
    }
}
