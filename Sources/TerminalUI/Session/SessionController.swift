import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// Owns the scenario session and connects it to the UI: the app's delegate (step keys, the `:`
/// prompt, the header, `i` `d` `R`), and after every change one fresh snapshot handed to every pane.
/// Panes never change the model; the only ways in are here, through the scenario language.
public final class SessionController {
    public private(set) var session: Session
    /// The scenario as loaded, for `R` (typed commands replace the steps after the current one).
    private let original: Scenario
    public let app: App
    public let pasidPane = PASIDPane()
    public let walkPane = WalkPane()
    public let cachesPane = CachesPane()
    public let lockedPane: LockedMemoryPane
    public let logPane = LogPane()
    public let decoderPane = DecoderPane()
    public let notePane = NotePane()
    public private(set) var snapshot: UISnapshot
    private var generation = 0

    public init(session: Session, themes: ThemeSelection = ThemeSelection(themes: BuiltInThemes.all),
                size: Size = Size(width: 80, height: 24), lockedMemory: (any LockedMemorySource)? = nil) {
        self.session = session
        original = session.scenario
        lockedPane = LockedMemoryPane(source: lockedMemory ?? HostLockedMemorySource())
        snapshot = UISnapshot(session: session, generation: 0)
        app = App(panes: [pasidPane, walkPane, cachesPane, lockedPane, logPane, decoderPane], themes: themes, size: size)
        app.asides = [notePane]
        app.globalHints = [KeyHint("n", "step"), KeyHint("b", "back"), KeyHint("Tab", "pane"), KeyHint("i", "invalidate"),
                           KeyHint("d", "decode"), KeyHint("t", "theme")]
        app.extraHelpSections = Self.helpSections
        app.delegate = AppDelegate(
            step: { [unowned self] in self.step($0) },
            runCommand: { [unowned self] in self.runCommand($0) },
            sendStep: { [unowned self] in self.runCommand($0, keepingLaterSteps: true) },
            header: { [unowned self] in self.header() },
            handleKey: { [unowned self] in self.handleKey($0) })
        app.layoutProvider = { [unowned self] body, _, focused in
            NestScopeLayout.arrange(body: body, focused: focused,
                                    wants: .init(noteRows: { self.notePane.neededHeight(width: $0) }, lockedRows: self.lockedPane.preferredHeight,
                                                 lockedRowsAt: { self.lockedPane.preferredHeight(width: $0) },
                                                 walkIdle: self.walkPane.record == nil && self.lockedPane.report != nil))
        }
        let decode: (DecoderRequest) -> Void = { [unowned self] r in
            self.decoderPane.load(r)
            self.app.focus(5)
        }
        pasidPane.onDecode = decode
        walkPane.onDecode = decode
        cachesPane.onDecode = decode
        logPane.onWalk = { [unowned self] i in self.walkPane.choose(logIndex: i) }
        lockedPane.onOpenWindow = { [unowned self] w in self.openTCEWindow(w) }
        pasidPane.onOpenWindow = { [unowned self] w in self.openTCEWindow(w) }
        walkPane.recordForLogIndex = { [unowned self] i in self.dmaRecord(forLogIndex: i) }
        refresh()
    }

    /// A controller for a scenario given by bundled name or file path (parse errors thrown).
    public static func load(_ nameOrPath: String) throws -> Session {
        let (name, text) = try ScenarioLoader.text(nameOrPath)
        return Session(try ScenarioParser.parse(text, name: name))
    }

    /// Builds a new snapshot and hands it to every pane.
    public func refresh() {
        generation += 1
        snapshot = UISnapshot(session: session, generation: generation)
        for p in [pasidPane, walkPane, cachesPane, lockedPane, logPane, decoderPane] as [any SessionPane] { p.update(snapshot) }
        notePane.update(snapshot)
    }

    // MARK: Delegate

    func step(_ r: StepRequest) -> CommandResult {
        switch r {
        case .forward:
            guard !session.atEnd else {
                return .failure("end of the scenario (step \(session.position)/\(session.stepCount)); : adds a command, g restarts")
            }
            session.forward()
        case .back:
            guard session.position > 0 else { return .failure("already before the first step") }
            session.back()
        case .first:
            session.goTo(0)
        case .last:
            session.runToEnd()
        }
        refresh()
        return stepMessage()
    }

    /// A footer message when the step did something worth a second look.
    private func stepMessage() -> CommandResult {
        let entries = snapshot.log[snapshot.currentEntries]
        if let e = entries.first(where: { $0.outcome.status == .stale }) { return .applied("! " + e.outcome.summary, .stale) }
        if let e = entries.first(where: { $0.outcome.status == .error || $0.outcome.status == .expectFailed }) {
            return .applied(e.outcome.summary, .error)
        }
        return .success(nil)
    }

    /// Runs a line as the next step. From the `:` prompt the later steps are dropped (as an editor's
    /// undo history); sent by `f` or a builder they stay after it and run with it in place.
    func runCommand(_ raw: String, keepingLaterSteps: Bool = false) -> CommandResult {
        let line = raw.trimmingSpacesAround()
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        if let n = Int(line) {
            session.goTo(n)
            refresh()
            return .success("step \(session.position)/\(session.stepCount)")
        }
        switch words.first {
        case "save", "w":
            guard words.count == 2 else { return .failureAt(column: 1, "save FILE: write the session as a scenario file") }
            return Self.writeFile(words[1], session.savedText())
                ? .success("saved \(session.position) steps to \(words[1])")
                : .failureAt(column: line.count - words[1].count + 1, "cannot write \(words[1]): \(String(cString: strerror(errno)))")
        case "reload":
            return reload()
        case "help":
            app.showDetail(title: "the scenario language", text: Self.languageHelp)
            return .success(nil)
        default:
            break
        }
        let parsed: ScenarioParser.ParsedLine
        do { parsed = try ScenarioParser.parseLine(raw) } catch {
            return .failureAt(column: error.column, error.message)
        }
        if case .command(let c) = parsed {
            // Try it on a copy first: a command the model rejects stays at the prompt for correction.
            var copy = session.machine
            do { try copy.apply(c) } catch { return .failureAt(column: Self.column(of: error, in: raw), "\(error)") }
        }
        let later = session.stepCount - session.position
        let dropped = keepingLaterSteps ? 0 : later
        logPane.truncate(to: session.position)
        let entries: [LogEntry]
        do { entries = try keepingLaterSteps ? session.insert(line: raw) : session.append(line: raw) }
        catch { return .failureAt(column: error.column, error.message) }
        refresh()
        var message = "step \(session.position): " + (entries.map(\.outcome.summary).joined(separator: "; "))
        if entries.isEmpty { message = "step \(session.position) added" }
        if dropped > 0 { message += " · \(dropped) later scenario step\(dropped == 1 ? "" : "s") dropped (R brings them back)" }
        else if keepingLaterSteps && later > 0 { message += " · the \(later) later step\(later == 1 ? "" : "s") follow\(later == 1 ? "s" : "") (n runs them with it in place)" }
        let worst = entries.map(\.outcome.status)
        if worst.contains(.stale) { return .applied(message, .stale) }
        if worst.contains(.refused) || worst.contains(.fault) { return .applied(message, .warning) }
        if worst.contains(.error) || worst.contains(.expectFailed) { return .applied(message, .error) }
        return .success(message)
    }

    /// The DMA of log entry `index` with its walk trace. The log keeps a summary only, so the model
    /// replays on a copy: the state before that step (a checkpoint), then the step's commands up to
    /// this one. The model executing, never the view walking.
    public func dmaRecord(forLogIndex index: Int) -> DMARecord? {
        guard session.log.indices.contains(index) else { return nil }
        let entry = session.log[index]
        guard entry.outcome.dma != nil, entry.step >= 1, entry.step <= session.stepCount else { return nil }
        if index == WalkPane.lastDMAIndex(in: session.log) { return session.machine.lastDMA }
        var s = session
        s.goTo(entry.step - 1)
        var m = s.machine
        m.storyStep = entry.step
        for l in s.scenario.steps[entry.step - 1].lines {
            _ = try? m.apply(l.command)
            if l.line == entry.line { return m.lastDMA }
        }
        return nil
    }

    /// Where in the typed line a model error points: the unknown name, else the start.
    static func column(of error: MachineError, in line: String) -> Int {
        guard case .unknownName(_, let name, _) = error, !name.isEmpty else { return 1 }
        let chars = Array(line)
        let target = Array(name)
        var i = 0
        while i + target.count <= chars.count {
            let before = i == 0 || chars[i - 1] == " " || chars[i - 1] == "="
            let after = i + target.count == chars.count || chars[i + target.count] == " "
            if before && after && Array(chars[i..<(i + target.count)]) == target { return i + 1 }
            i += 1
        }
        return 1
    }

    /// Back to the scenario as loaded, at the same step.
    func reload() -> CommandResult {
        let at = min(session.position, original.steps.count)
        session = Session(original)
        session.goTo(at)
        logPane.reset()
        refresh()
        return .success("reloaded \(original.name) at step \(session.position)/\(session.stepCount)")
    }

    func header() -> [Span] {
        // Narrow screens drop the bus/device/function and shorten the architecture.
        let compact = app.size.width < 110
        let arch = compact ? (snapshot.machine.iommu?.shortLabel ?? snapshot.architecture.label) : snapshot.architecture.label
        var out = [Span(snapshot.scenarioName), Span(" · "), Span("step \(snapshot.position)/\(snapshot.stepCount)"),
                   Span(" · "), Span(arch)]
        for part in pasidPane.headerParts(compact: compact) { out += [Span(" · "), Span(part)] }
        if !snapshot.stale.isEmpty {
            out += [Span(" · "), Span("\(snapshot.stale.count) stale", .stale)]
        }
        return out
    }

    func handleKey(_ key: Key) -> Handled {
        switch key {
        case .char("d"):
            return .focusPane(5)
        case .char("i"):
            openInvalidationBuilder()
            return .handled
        case .char("J"), .char("K"):
            notePane.scroll(by: key == .char("J") ? 3 : -3)
            return .handled
        case .char("R"):
            switch reload() {
            case .success(let m): return .status(m ?? "reloaded", .ok)
            default: return .handled
            }
        default:
            return .ignored
        }
    }

    /// Opens the `i` dialog: from the fix of the selected stale cache entry, else the unit's first
    /// offered queue entry scoped to the selected configuration entry and the last DMA's page.
    public func openInvalidationBuilder() {
        guard let arch = snapshot.machine.architecture else {
            app.setStatus(snapshot.architecture == .spaprTCE ? "sPAPR TCE: there is no invalidation queue to build for (TCE kills follow each MAP/UNMAP)"
                                                             : "no IOMMU yet: step past the setup first", role: .warning)
            return
        }
        var start: [UInt64]? = nil
        if app.focusedPane == 2, let words = cachesPane.selectedFinding?.fix.entries.first { start = words }
        var defaults = pasidPane.scopeDefaults
        if let a = snapshot.machine.lastDMA?.request.address { defaults.append(("addr", a & ~0xfff)) }
        app.openModal(InvalidationBuilder(machine: snapshot.machine, architecture: arch, stale: snapshot.stale, nextStep: session.position + 1,
                                          start: start, defaults: defaults))
    }

    /// Opens the TCE table of a sPAPR window (Enter on it in the locked_vm pane).
    func openTCEWindow(_ w: LockedMemoryReport.WindowRef) {
        guard let c = snapshot.machine.host.spaprContainers[w.container], c.tables.indices.contains(w.slot), let t = c.tables[w.slot] else {
            app.setStatus("that window is gone", role: .warning)
            return
        }
        let name = snapshot.machine.hostLinks.containers.first { $0.value.kind == .spapr && $0.value.handle == w.container }?.key
        app.openModal(TCETableView(table: t, name: "window \(w.slot) of \(name.map { "\($0) (container \(w.container))" } ?? "container \(w.container)")"))
    }

    // MARK: Help

    static var helpSections: [HelpSection] {
        [HelpSection("Session", [
            KeyHint("i", "invalidation builder (preview, submit)"), KeyHint("d", "decoder pane"),
            KeyHint("R", "reload the scenario (drops typed lines)"), KeyHint("J K", "scroll the note down / up"),
            KeyHint(":N", "go to step N"), KeyHint(":save FILE", "write the session as a scenario"),
            KeyHint(":help", "the scenario language"),
        ]),
         HelpSection("Prompt (: then a scenario line)", ScenarioLanguage.statements.prefix(14).map {
             KeyHint(String($0.form.split(separator: " ").first ?? ""), $0.meaning)
         })]
    }

    static var languageHelp: String {
        "Each line typed at : is one scenario statement, applied as a new step after the current one (later steps of the scenario are dropped; R brings them back).\n\n"
            + ScenarioLanguage.statements.map { "\($0.form)\n    \($0.meaning)" }.joined(separator: "\n")
    }

    static func writeFile(_ path: String, _ text: String) -> Bool {
        guard let f = fopen(path, "wb") else { return false }
        let bytes = Array(text.utf8)
        // Buffered writes fail only at the flush (ENOSPC on /dev/full): check it and the close.
        let wrote = fwrite(bytes, 1, bytes.count, f) == bytes.count && fflush(f) == 0
        return fclose(f) == 0 && wrote
    }
}
