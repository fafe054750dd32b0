/// A cache entry that disagrees with a fresh walk of the tables in memory, as values: the cache,
/// the entry's key (equal to the key its cache row carries), what it holds against what memory
/// says now, the fix as queue entries, and the addresses on the fresh path. Findings are cheap to
/// make; the fix is proven on a copy of the machine only when `fix` is read (FixProof).
public struct StaleFinding: Sendable, Equatable {
    /// Which cache holds it.
    public var cache: CacheID
    /// The cache's name in sentences ("IOTLB", "PASID cache", "STE cache").
    public var cacheName: String
    /// The entry's key, equal to the key of its row in `cache`.
    public var key: CacheEntryKey
    /// The entry, described in one line.
    public var entry: String
    /// What the entry says and what memory says now.
    public var reason: StaleReason
    /// The smallest invalidation proven to remove it (FixProof), computed on first read; an empty fix
    /// whose note says why when no candidate passes.
    public var fix: StaleFix {
        get { proof.value }
        set { proof = ProvenFix(newValue) }
    }
    /// The checker's smallest candidate, before any proof.
    public var proposed: StaleFix
    private var proof: ProvenFix
    /// Host addresses of the structures on the fresh path, so a front end can say which step changed them.
    public var pathAddresses: [UInt64]
    /// The request the cache would answer with this entry, used to prove the fix (nil: none, e.g. an L1 descriptor).
    public var probe: TranslationRequest?
    /// Larger fixes tried in order when `fix` fails its proof (FixProof).
    public var alternatives: [StaleFix]

    public init(cache: CacheID, cacheName: String, key: CacheEntryKey, entry: String, reason: StaleReason, fix: StaleFix,
                pathAddresses: [UInt64], probe: TranslationRequest? = nil, alternatives: [StaleFix] = []) {
        self.probe = probe
        self.alternatives = alternatives
        self.cache = cache
        self.cacheName = cacheName
        self.key = key
        self.entry = entry
        self.reason = reason
        self.proposed = fix
        self.proof = ProvenFix(fix)
        self.pathAddresses = pathAddresses
    }

    /// Wider candidates built only when a proof needs them (encoding queue entries costs; the checker runs per step).
    private var later: [@Sendable () -> [StaleFix]] = []

    /// Candidates smallest first: the proposal, then the wider ones.
    public var candidates: [StaleFix] { [proposed] + alternatives + later.flatMap { $0() } }

    /// The finding with more candidates after the others, built when first needed.
    public func addingCandidates(_ more: @escaping @Sendable () -> [StaleFix]) -> StaleFinding {
        var g = self
        g.later.append(more)
        return g
    }

    /// The finding with its fix proven lazily by `prove` (run at most once, on the first read of `fix`).
    func provingFix(_ prove: @escaping @Sendable () -> StaleFix) -> StaleFinding {
        var g = self
        g.proof = ProvenFix(proving: prove)
        return g
    }

    /// True when reading `fix` runs no proof (tests check that the checker itself proves nothing).
    public var fixIsResolved: Bool { proof.isResolved }

    /// Equal when they describe the same entry the same way and propose the same candidates; the
    /// proven fix follows from those and the machine, so comparing it would only run proofs.
    public static func == (a: StaleFinding, b: StaleFinding) -> Bool {
        a.cache == b.cache && a.cacheName == b.cacheName && a.key == b.key && a.entry == b.entry && a.reason == b.reason
            && a.proposed == b.proposed && a.pathAddresses == b.pathAddresses && a.probe == b.probe && a.alternatives == b.alternatives
    }

    /// What the entry says, in words.
    public var holds: String { reason.holds.description }
    /// What memory says now, in words.
    public var memoryNow: String { reason.memoryNow.description }
}

/// Why an entry is stale: what it holds, what a fresh walk finds.
public struct StaleReason: Sendable, Equatable {
    public var holds: EntryState
    public var memoryNow: EntryState
    public init(holds: EntryState, memoryNow: EntryState) { self.holds = holds; self.memoryNow = memoryNow }
}

/// One side of a stale comparison, as a value.
public enum EntryState: Sendable, Equatable, CustomStringConvertible {
    /// A translation: `label` names the output space ("hpa", "pa"); perms nil when only the address differs.
    case translation(label: String, address: UInt64, perms: Permissions?)
    /// A fault (`code` nil: terminated without a record), with how Linux names it and an optional
    /// detail; `digits` is how many hex digits the architecture prints at least (SMMUv3 event ids: 2).
    case fault(code: UInt8?, digits: Int, name: String, detail: String?)
    /// Memory now maps the entry's range in smaller pieces that do not all agree with it.
    case differentMapping(pageShift: UInt8)
    /// A table pointer: `noun` is "entry" or "table descriptor"; level nil when the text omits it.
    case tablePointer(level: Int?, noun: String, value: UInt64, nextTable: UInt64)
    /// A leaf where a table pointer was (`noun`: "large-page leaf", "block descriptor").
    case leafInsteadOfTable(noun: String, value: UInt64)
    /// An invalid entry where a table pointer was (nil value: the entry is all zero).
    case notPresent(value: UInt64?)
    /// The descriptor still points at the same table IPA, but stage 2 now puts that table elsewhere.
    case nextTableMoved(value: UInt64, nowAt: UInt64?)
    /// The walk from the root stops above the entry's level.
    case notReached(level: Int)
    /// A configuration structure's words (context/PASID entry, STE, CD).
    case words([UInt64])
    /// A single descriptor value (an L1 stream-table or CD-table descriptor).
    case value(UInt64)
    /// The structure cannot be read now, and why.
    case unreachable(String)

    public var description: String {
        switch self {
        case .translation(let label, let address, let perms):
            return "\(label) \(groupedHex(address))" + (perms.map { " \($0.label)" } ?? "")
        case .fault(let code, let digits, let name, let detail):
            guard let code else { return "abort" }
            let h = String(code, radix: 16)
            return "fault 0x\(String(repeating: "0", count: max(0, digits - h.count)) + h) (\(name))" + (detail.map { ": \($0)" } ?? "")
        case .differentMapping(let shift): return "a different mapping inside the \(sizeLabel(shift)) range"
        case .tablePointer(let level, let noun, let value, let next):
            return (level.map { "L\($0) " } ?? "") + "\(noun) \(hex(value)) → table \(groupedHex(next))"
        case .leafInsteadOfTable(let noun, let value): return "a \(noun) \(hex(value)) (the table is gone)"
        case .notPresent(let value): return value.map { "invalid descriptor \(hex($0))" } ?? "not present"
        case .nextTableMoved(let value, let at):
            return "descriptor \(hex(value)); the next table now sits at PA \(at.map { groupedHex($0) } ?? "?")"
        case .notReached(let level): return "the walk no longer reaches level \(level)"
        case .words(let w): return "entry " + w.map { hex($0) }.joined(separator: " ")
        case .value(let v): return hex(v)
        case .unreachable(let why): return why
        }
    }
}

/// The invalidation that removes a stale entry: its queue entries, their one-line summary, why
/// this form (a leaf-only hint would keep the entry), and the scenario-language lines that send it.
public struct StaleFix: Sendable, Equatable {
    /// Queue entries in submission order (qwords or dwords each; empty when none could be encoded).
    public var entries: [[UInt64]]
    /// The entries in one line (`p_iotlb_inv did=2 pasid=5 …`).
    public var summary: String
    /// Why this form, when the obvious one would not do ("IH = 0: …").
    public var note: String?
    /// The scenario lines that submit it (`qi raw 0x… 0x…`).
    public var statements: [String]
    /// `decode`'s kind for the entries ("vtd-qi", "smmu-cmd").
    public var decoderKind: String

    /// One queue entry of `architecture` as a fix: its words, summary and raw-submit statement (none
    /// when the words could not be encoded, so nothing is offered that cannot be sent).
    public init(architecture a: IOMMUArchitecture, words: [UInt64], summary: String, note: String? = nil) {
        self.init(entries: words.isEmpty ? [] : [words], summary: summary, note: note,
                  statements: words.isEmpty ? [] : [a.statement(for: words)], decoderKind: a.queueEntryKind)
    }

    public init(entries: [[UInt64]], summary: String, note: String? = nil, statements: [String], decoderKind: String) {
        self.entries = entries
        self.summary = summary
        self.note = note
        self.statements = statements
        self.decoderKind = decoderKind
    }

    /// The fix as reports print it: the summary and the note in parentheses.
    public var text: String { summary + (note.map { " (\($0))" } ?? "") }
}
