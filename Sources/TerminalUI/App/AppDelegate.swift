/// Which way to step through the scenario.
public enum StepRequest: Equatable, Sendable {
    /// n, Space, →
    case forward
    /// b, ←
    case back
    /// g
    case first
    /// G
    case last
}

/// The answer to a step or a command line.
public enum CommandResult: Equatable, Sendable {
    /// It worked; an optional message for the footer.
    case success(String?)
    /// It was applied, with a message for the footer in this role (a step the unit refused).
    case applied(String, Role)
    /// It did not; the message is shown in place (under the prompt, or in the footer).
    case failure(String)
    /// It did not, because of the typed line at this 1-based column: the prompt keeps the
    /// line, puts the cursor there and draws a caret under it beside the message.
    case failureAt(column: Int, String)
}

/// What the app asks of the engine. Every closure runs synchronously on the UI's thread
/// between two frames; after it returns, the app draws a new frame from the panes, so a
/// closure that changes the model should also hand the panes their new snapshots.
public struct AppDelegate {
    /// A step key was pressed.
    public var step: (StepRequest) -> CommandResult
    /// A line was submitted at the `:` prompt (or a pane returned `.runCommand`).
    public var runCommand: (String) -> CommandResult
    /// A pane or dialog sent a line as the next step (`f`, the builder's and the decoder's `s`):
    /// unlike the prompt, the scenario's later steps stay after it.
    public var sendStep: (String) -> CommandResult
    /// The left part of the header line, after "NestScope · " (scenario, step i/N, device…).
    public var header: () -> [Span]
    /// A key that the focused pane ignored, before the app's own keys: return `.ignored`
    /// to let the app handle it (use it for keys like `i` or `d` that open or focus panes).
    public var handleKey: (Key) -> Handled

    public init(step: @escaping (StepRequest) -> CommandResult = { _ in .failure("no scenario loaded") },
                runCommand: @escaping (String) -> CommandResult = { _ in .failure("no scenario loaded") },
                sendStep: ((String) -> CommandResult)? = nil,
                header: @escaping () -> [Span] = { [] },
                handleKey: @escaping (Key) -> Handled = { _ in .ignored }) {
        self.step = step
        self.runCommand = runCommand
        self.sendStep = sendStep ?? runCommand
        self.header = header
        self.handleKey = handleKey
    }
}
