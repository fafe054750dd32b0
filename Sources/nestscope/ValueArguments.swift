/// `decode`/`encode` take thousands of values (a pasted queue dump): they are set aside before the
/// argument parser sees them, so parsing stays linear in their number, and a value such as `-1`
/// reaches the command (which says what is wrong with it) instead of reading as an unknown option.
enum ValueArguments {
    /// Options of decode/encode that take the next word as their value.
    static let optionsWithValue: Set<String> = ["--level", "--stage", "--granule", "--page-shift", "--words"]

    /// The arguments the parser should see, and the values (after KIND) when the command is
    /// `decode` or `encode`; nil values for every other command.
    static func split(_ args: [String]) -> (options: [String], values: [String]?) {
        guard let command = args.first, command == "decode" || command == "encode" else { return (args, nil) }
        var options = [command]
        var values: [String] = []
        var sawKind = false
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "--" {
                values += args[(i + 1)...]
                break
            }
            if a.hasPrefix("--") || (a.hasPrefix("-") && a.count == 2 && a.last?.isLetter == true) {
                options.append(a)
                if optionsWithValue.contains(a), i + 1 < args.count { options.append(args[i + 1]); i += 1 }
            } else if !sawKind {
                options.append(a)
                sawKind = true
            } else {
                values.append(a)
            }
            i += 1
        }
        return (options, values)
    }
}
