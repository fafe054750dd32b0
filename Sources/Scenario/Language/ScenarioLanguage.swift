/// What front ends may show about the language: its statements and their forms.
public enum ScenarioLanguage {
    /// Each statement's form and one line on what it does, in the order a scenario uses them.
    public static var statements: [(form: String, meaning: String)] { Statements.help.map { ($0.0, $0.1) } }
    /// Statement keywords, for completion and suggestions.
    public static var keywords: [String] { Statements.keywords }
}
