/// A theme file that could not be read, with the file, line and column of the problem.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    /// `dark.theme:3:7: unknown role 'bordr'`
    public var description: String { "\(file):\(line):\(column): \(message)" }
}
