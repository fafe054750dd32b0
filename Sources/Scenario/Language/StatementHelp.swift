/// The statement list for front ends (the UI's help overlay and prompt).
extension ScenarioParser {
    /// Every statement's form and what it does, in the order `Statements.help` documents them.
    public static var statementHelp: [(form: String, meaning: String)] { Statements.help.map { (form: $0.0, meaning: $0.1) } }
}
