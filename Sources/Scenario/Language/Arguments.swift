import IOMMUModel

/// The words after a statement's keyword: positionals in order, `key=value` options and bare flags,
/// checked against what the statement accepts so a typo gets a message naming it.
struct Arguments {
    let keyword: Token
    var positionals: [Token] = []
    var options: [String: Token] = [:]
    var flags: [String: Token] = [:]
    var used: Set<String> = []
    /// Every word after the keyword in order (statements with repeated keys, like `qi` batches, read these).
    let tokens: [Token]

    init(_ keyword: Token, _ rest: [Token]) {
        self.keyword = keyword
        self.tokens = rest
        for t in rest {
            if let kv = t.keyValue { options[kv.key] = t } else { positionals.append(t) }
        }
    }

    var endColumn: Int { (positionals.last ?? keyword).column + (positionals.last ?? keyword).text.count }

    mutating func positional(_ i: Int, _ what: String) throws(LineError) -> Token {
        guard i < positionals.count else { throw LineError(endColumn + 1, "\(keyword.text): expected \(what)") }
        return positionals[i]
    }

    mutating func number(_ token: Token, _ what: String) throws(LineError) -> UInt64 {
        do { return try HexInput.number(token.text) } catch { throw LineError(token.column, "\(what): \(error)") }
    }

    mutating func option(_ key: String) -> Token? { used.insert(key); return options[key] }

    mutating func numberOption(_ key: String) throws(LineError) -> UInt64? {
        guard let t = option(key), let kv = t.keyValue else { return nil }
        do { return try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "\(key): \(error)") }
    }

    mutating func requireNumber(_ key: String) throws(LineError) -> UInt64 {
        guard let v = try numberOption(key) else { throw LineError(endColumn + 1, "\(keyword.text): expected \(key)=N") }
        return v
    }

    mutating func stringOption(_ key: String) -> String? { option(key)?.keyValue?.value }

    /// A bare word used as a flag (`ats`, `sre`, `priv`): consumed from the positionals.
    mutating func flag(_ word: String) -> Bool {
        if let i = positionals.firstIndex(where: { $0.text.lowercased() == word }) {
            flags[word] = positionals.remove(at: i)
            return true
        }
        return false
    }

    /// Fails on options the statement does not take and on positionals beyond `count`.
    func finish(positionalCount count: Int, accepted: [String]) throws(LineError) {
        for (k, t) in options where !used.contains(k) {
            throw LineError(t.column, "\(keyword.text) takes no option '\(k)'" + (accepted.isEmpty ? "" : "; options: \(accepted.joined(separator: ", "))"))
        }
        if positionals.count > count {
            let t = positionals[count]
            throw LineError(t.column, "\(keyword.text): unexpected '\(t.text)'")
        }
    }
}

/// Permission letters: r, w, x, u (user/unprivileged allowed), in any order; `-` for none.
func parsePermissions(_ token: Token) throws(LineError) -> Permissions {
    var p: Permissions = []
    if token.text == "-" { return p }
    for c in token.text.lowercased() {
        switch c {
        case "r": p.insert(.read)
        case "w": p.insert(.write)
        case "x": p.insert(.execute)
        case "u": p.insert(.user)
        default: throw LineError(token.column, "permissions are letters r, w, x, u (got '\(token.text)')")
        }
    }
    return p
}

/// A source id as `bb:dd.f` or a number.
func parseSourceID(_ text: String, column: Int) throws(LineError) -> UInt32 {
    let parts = text.split(separator: ":")
    if parts.count == 2, let dot = parts[1].split(separator: ".", omittingEmptySubsequences: false) as [Substring]?,
       dot.count == 2, let b = UInt32(parts[0], radix: 16), let d = UInt32(dot[0], radix: 16), let f = UInt32(dot[1], radix: 16),
       b < 256, d < 32, f < 8 {
        return b << 8 | d << 3 | f
    }
    do {
        let v = try HexInput.number(text)
        guard v <= UInt64(UInt32.max) else { throw LineError(column, "source id \(text) does not fit in 32 bits") }
        return UInt32(v)
    } catch let e as LineError { throw e } catch {
        throw LineError(column, "expected a source id as bb:dd.f or a number, got '\(text)'")
    }
}
