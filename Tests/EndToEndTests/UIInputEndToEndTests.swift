import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Keys and pastes that only a real terminal delivers (issue 20 item 3): Ctrl-S must reach the UI
/// (flow control off) and a paste must arrive as text in one piece (bracketed paste), never as keys.
@Suite(.serialized, .enabled(if: uiTmuxAvailable, "tmux is not installed"))
struct UIInputEndToEndTests {
    /// With IXON on, Ctrl-S stops the terminal's output and every frame after it is lost until
    /// Ctrl-Q; the UI turns flow control off, and endwin puts it back for the shell.
    @Test func ctrlSDoesNotFreezeTheUI() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "ctrls")
        let after = "stty -a > \(uiShellQuote(s.path("stty"))); exec sh"
        s.start(width: 120, height: 40, command: UIEndToEndTests.command(binary, s, after: after))
        #expect(s.waitFor("┌1 PASID entries").found)
        s.tmux("send-keys", "-t", "app", "C-s")
        s.tmux("send-keys", "-t", "app", "n")
        let moved = s.waitFor("step 1/12", timeout: 10)
        #expect(moved.found, "the frame after Ctrl-S never appeared:\n\(moved.screen)")
        s.tmux("send-keys", "-t", "app", "q")
        #expect(s.waitForFile("status") == "0")
        let stty = try #require(s.waitForFile("stty"))
        #expect(stty.contains(" ixon") && !stty.contains("-ixon"), "flow control not restored for the shell: \(stty)")
    }

    /// A 100,000-character paste into the `:` prompt lands as one line at once; a paste in normal
    /// mode runs none of its characters as keys (an `n` in it would step).
    @Test func aPasteIsTextNotKeys() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "paste")
        s.start(width: 120, height: 40, command: UIEndToEndTests.command(binary, s))
        #expect(s.waitFor("┌1 PASID entries").found)
        try String(repeating: "nnnn", count: 8).write(toFile: s.path("keys"), atomically: true, encoding: .utf8)
        s.tmux("load-buffer", "-b", "k", s.path("keys"))
        s.tmux("paste-buffer", "-p", "-b", "k", "-t", "app")
        let warned = s.waitFor("pasted text goes to the : prompt", timeout: 10)
        #expect(warned.found, "\(warned.screen)")
        #expect(warned.screen.contains("step 0/12"), "a pasted n stepped the scenario")

        s.tmux("send-keys", "-t", "app", ":")
        try ("map s1 " + String(repeating: "7", count: 100_000) + "z").write(toFile: s.path("big"), atomically: true, encoding: .utf8)
        s.tmux("load-buffer", "-b", "b", s.path("big"))
        let started = uiNow()
        s.tmux("paste-buffer", "-p", "-b", "b", "-t", "app")
        let tail = s.waitFor("7777777z", timeout: 20)
        #expect(tail.found, "the pasted line never showed:\n\(tail.screen)")
        s.tmux("send-keys", "-t", "app", "Enter")
        let refused = s.waitFor("longer than 4096 characters", timeout: 20)
        #expect(refused.found, "\(refused.screen)")
        // Generous bound for two busy shared cores; before, this took minutes (issue 20: 137 s).
        #expect(uiNow() - started < 20)
        s.tmux("send-keys", "-t", "app", "Escape")
        s.tmux("send-keys", "-t", "app", "q")
        #expect(s.waitForFile("status") == "0")
    }
}
