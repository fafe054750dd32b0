import IOMMUModel

/// What a line is once the distortions of mail and web pages are taken off (trace_formats.md §0):
/// leading indentation, `> ` / `| ` quote prefixes (nested too), shell prompts pasted above a dump,
/// and the `...` / `[...]` rows an author left out.
enum MailText {
    enum Kind: Equatable {
        case blank
        /// `#` lines: ftrace's header, the samples' `# source:` block, comments.
        case comment
        case elision
        /// `$ cat /sys/kernel/debug/...`, `root@host:~# cat ...`.
        case shell
        case content
    }

    /// The line without indentation and quote prefixes, and what kind of line it is.
    static func clean(_ raw: String) -> (Kind, Substring) {
        var s = raw[...].trimmingBlanks()
        // Quote prefixes: ">" (any depth, with or without a space) and "| " as some authors use.
        while let f = s.first {
            if f == ">" { s = s.dropFirst().trimmingLeadingBlanks(); continue }
            if f == "|", s.dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? true { s = s.dropFirst().trimmingLeadingBlanks(); continue }
            break
        }
        if s.isEmpty { return (.blank, s) }
        if s.first == "#" { return (.comment, s) }
        if isElision(s) { return (.elision, s) }
        if isShellPrompt(s) { return (.shell, s) }
        return (.content, s)
    }

    static let elided: Set<Substring> = ["...", "[...]", "…", "[…]", "<snip>", "[snip]", "<...>", "(...)", "snip"]

    static func isElision(_ s: Substring) -> Bool {
        guard let f = s.first, ".[<(…s".contains(f) else { return false }
        if elided.contains(s) { return true }
        // A row of dots, possibly spaced out in columns (". . ." or "......").
        return f == "." && s.allSatisfy { $0 == "." || $0 == " " || $0 == "\t" } && s.filter({ $0 == "." }).count >= 3
    }

    /// `$ cmd`, `user@host:~$ cmd`, `root@host:~# cmd`, `[user@host dir]$ cmd`.
    static func isShellPrompt(_ s: Substring) -> Bool {
        let first = s.prefix { $0 != " " && $0 != "\t" }
        if first == "$" { return first.endIndex < s.endIndex }
        if first.hasSuffix("$") { return first.contains("@") || first.hasPrefix("[") || first.hasPrefix("~") }
        if first.hasSuffix("#") && first.contains("@") { return true }
        return false
    }
}

extension Substring {
    func trimmingLeadingBlanks() -> Substring { drop { $0 == " " || $0 == "\t" } }
    func trimmingBlanks() -> Substring { blankTrimmed(includingCarriageReturn: true) }
}
