import Synchronization

/// A finding's fix, proven on first use and kept: the proof copies the machine and runs the checker
/// per candidate, so it runs only when a report or the UI reads the fix, never per step (issue 13).
final class ProvenFix: Sendable {
    private enum State { case done(StaleFix), pending(@Sendable () -> StaleFix) }
    private let state: Mutex<State>

    /// A fix that needs no proof (the checker's proposal as it stands, or one set by hand).
    init(_ fix: StaleFix) { state = Mutex(.done(fix)) }
    /// A fix proven by `prove` the first time it is read.
    init(proving prove: @escaping @Sendable () -> StaleFix) { state = Mutex(.pending(prove)) }

    var value: StaleFix {
        state.withLock { s in
            switch s {
            case .done(let f): return f
            case .pending(let prove):
                let f = prove()
                s = .done(f)
                return f
            }
        }
    }

    /// True once the fix is known without running anything.
    var isResolved: Bool { state.withLock { if case .done = $0 { true } else { false } } }
}
