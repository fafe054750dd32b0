import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `nestscope` binary in a private tmux server (tui_recipe.md §4). Skipped when tmux
/// is not installed. Each test has its own `-L` socket; the suite runs one test at a time to
/// go easy on two shared cores.
@Suite(.serialized, .enabled(if: uiTmuxAvailable, "tmux is not installed"))
struct UIEndToEndTests {
    /// The pane's environment: no NO_COLOR (swift test sets it without a tty, pitfall 16),
    /// no LINES/COLUMNS (pitfall 7), a UTF-8 locale and a TERM that draws Unicode lines
    /// (pitfall 6), and no interactive backtracer waiting on a crash.
    static let paneEnvironment = "env -u NO_COLOR -u LINES -u COLUMNS SWIFT_BACKTRACE=interactive=no TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"

    /// A pane command that records the UI's pid (the inner shell execs the binary, so its
    /// $$ is the binary's pid) and its exit status, then runs `after`.
    static func command(_ binary: String, _ s: UITmuxSession, args: String = "", after: String = "") -> String {
        let inner = "echo $$ > \(uiShellQuote(s.path("pid"))); exec \(paneEnvironment) \(uiShellQuote(binary)) \(args)"
        return "sh -c \(uiShellQuote(inner)); echo $? > \(uiShellQuote(s.path("status")))" + (after.isEmpty ? "" : "; " + after)
    }

    static func processIsGone(_ pid: pid_t) -> Bool {
        kill(pid, 0) == -1 && errno == ESRCH
    }

    /// Issue 7's flow on the real binary: the tour's first frame with its pane titles, `n` steps
    /// (the step counter moves, the cold DMA of step 5 adds the first IOTLB entry), help opens and
    /// closes, `q` quits with status 0, the process is gone and the terminal is back to normal.
    @Test func tourFlowStepsHelpAndQuit() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "flow")
        let after = "stty -a > \(uiShellQuote(s.path("stty"))); exec sh"
        s.start(width: 120, height: 40, command: Self.command(binary, s, after: after))
        // Wait for the first frame before sending keys (pitfall 18).
        let titles = ["┌1 PASID entries", "┌2 Walk", "┌3 Caches", "┌4 locked_vm", "┌5 Log", "┌ note"]
        let first = s.waitUntil { screen in titles.allSatisfy(screen.contains) }
        #expect(first.found, "first frame never appeared whole:\n\(first.screen)")
        #expect(first.screen.hasPrefix(" NestScope · tour · step 0/12"))
        #expect(s.display("#{alternate_on}") == "1")
        let pidText = try #require(s.waitForFile("pid"))
        let pid = try #require(pid_t(pidText))

        for n in 1...4 {
            s.tmux("send-keys", "-t", "app", "n")
            #expect(s.waitFor("step \(n)/12").found, "step counter did not reach \(n)")
        }
        let before = s.screen()
        #expect(before.contains("empty: holds finished translations"), "IOTLB not empty before the first DMA:\n\(before)")
        s.tmux("send-keys", "-t", "app", "n")
        let cold = s.waitFor("step 5/12")
        #expect(cold.found)
        // The new IOTLB entry: IOVA 0x4000_0000, 4K, → HPA 0x1_0020_0000 (s1 maps it to GPA 0x20_0000,
        // s2 maps GPA g to HPA 0x1_0000_0000 + g), and the 24-reference cold walk.
        let entry = s.waitUntil { screen in
            screen.contains("0x4000_0000    4K   0x1_0020_0000") && screen.contains("24 table reads, 0 cached (cold)")
                && !screen.contains("empty: holds finished translations")
        }
        #expect(entry.found, "no IOTLB entry and cold walk after step 5:\n\(entry.screen)")

        s.tmux("send-keys", "-t", "app", "6")
        #expect(s.waitFor("┌6 Decoder").found, "the decoder did not take the walk's place")

        s.tmux("send-keys", "-t", "app", "?")
        let help = s.waitUntil { $0.contains("┌Help") && $0.contains("step forward") }
        #expect(help.found, "help did not open:\n\(help.screen)")
        s.tmux("send-keys", "-t", "app", "Escape")
        #expect(s.waitForAbsence("┌Help"), "help did not close")

        s.tmux("send-keys", "-t", "app", "q")
        #expect(s.waitForFile("status") == "0")
        #expect(Self.processIsGone(pid))
        let stty = try #require(s.waitForFile("stty"))
        #expect(stty.contains(" icanon") && !stty.contains("-icanon"), "canonical mode not restored: \(stty)")
        #expect(stty.contains(" echo ") && !stty.contains("-echo "), "echo not restored: \(stty)")
        #expect(s.display("#{alternate_on} #{cursor_flag}") == "0 1")      // main screen, cursor shown
    }

    /// A scenario that does not parse is reported as file:line:column with exit status 2 before
    /// the terminal is touched: no alternate screen, the message readable in the pane.
    @Test func aBadScenarioExits2BeforeTouchingTheTerminal() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "badfile")
        let file = s.path("bad.scenario")
        try "vtd scalable\nfrobnicate x\n".write(toFile: file, atomically: true, encoding: .utf8)
        s.start(width: 120, height: 40, command: Self.command(binary, s, args: uiShellQuote(file), after: "sleep 30"))
        #expect(s.waitForFile("status") == "2")
        let screen = s.waitFor("\(file):2:1: unknown statement 'frobnicate'")
        #expect(screen.found, "\(screen.screen)")
        #expect(s.display("#{alternate_on}") == "0")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "sigterm")
        // After the UI: save the tty modes, then leave a shell to type into.
        let after = "stty -a > \(uiShellQuote(s.path("stty"))); exec sh"
        s.start(width: 120, height: 40, command: Self.command(binary, s, after: after))
        #expect(s.waitFor("┌1 PASID entries").found)
        #expect(s.display("#{alternate_on} #{cursor_flag}") == "1 0")      // UI up: alternate screen, no cursor
        let pid = try #require(s.waitForFile("pid").flatMap { pid_t($0) })
        #expect(kill(pid, SIGTERM) == 0)
        // Died of SIGTERM (128 + 15), after putting the terminal back.
        #expect(s.waitForFile("status") == "143")
        #expect(Self.processIsGone(pid))
        let stty = try #require(s.waitForFile("stty"))
        #expect(stty.contains(" icanon") && !stty.contains("-icanon"), "canonical mode not restored: \(stty)")
        #expect(stty.contains(" echo ") && !stty.contains("-echo "), "echo not restored: \(stty)")
        #expect(s.display("#{alternate_on} #{cursor_flag}") == "0 1")      // main screen, cursor shown
        // The shell prompt works: a command typed there runs and its output appears.
        s.tmux("send-keys", "-t", "app", "-l", "echo restored-$((6*7))")
        s.tmux("send-keys", "-t", "app", "Enter")
        #expect(s.waitFor("restored-42").found)
    }

    @Test func resizeRelayoutsWithoutGarbage() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "resize")
        s.start(width: 120, height: 40, command: Self.command(binary, s))
        #expect(s.waitFor("┌2 Walk").found)
        s.tmux("resize-window", "-t", "app", "-x", "80", "-y", "24")       // SIGWINCH → KEY_RESIZE
        // The frame is exactly as wide as the terminal, and nothing of the old layout is left,
        // once the whole frame is out (a capture may fall between two writes of it).
        let top = "┌1 PASID entries " + String(repeating: "─", count: 62) + "┐"
        let narrow = s.waitUntil { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return screen.contains(" 1 PASID entries  2 Walk")                  // the pane switcher of 80×24
                && lines.count >= 24 && lines[2] == top && !screen.contains("┌2 Walk")
        }
        #expect(narrow.found, "no clean relayout:\n\(narrow.screen)")
        s.tmux("resize-window", "-t", "app", "-x", "70", "-y", "20")
        #expect(s.waitFor("Terminal too small: need at least 80×24, have 70×20").found)
        s.tmux("send-keys", "-t", "app", "q")
        #expect(s.waitForFile("status") == "0")
    }

    @Test func dumbTerminalIsRefusedWithExitStatus2() throws {
        let binary = try #require(uiBinaryPath, "nestscope binary not found next to the tests")
        let s = UITmuxSession(name: "dumb")
        let cmd = "env -u NO_COLOR TERM=dumb LANG=C.UTF-8 \(uiShellQuote(binary)); echo $? > \(uiShellQuote(s.path("status"))); sleep 30"
        s.start(width: 120, height: 40, command: cmd)
        #expect(s.waitForFile("status") == "2")
        let screen = s.waitFor("TERM=dumb")
        #expect(screen.found && screen.screen.contains("nestscope run"), "\(screen.screen)")
    }
}

/// The CLI side of the UI command, without tmux.
@Suite struct UICommandLineTests {
    @Test func withoutATerminalItSaysSoAndExits2AtOnce() throws {
        let binary = try #require(uiBinaryPath)
        let start = uiNow()
        // stdin from /dev/null and stdout into a pipe: exactly what CI gives it.
        let r = uiShell("\(uiShellQuote(binary)) </dev/null 2>&1")
        #expect(r.status == 2)
        #expect(r.output.contains("needs a terminal") && r.output.contains("nestscope run"), "\(r.output)")
        #expect(uiNow() - start < 5)
    }

    @Test func dumpPrintsOneFrameWithoutATerminal() throws {
        let binary = try #require(uiBinaryPath)
        let r = uiShell("LC_ALL=C.UTF-8 \(uiShellQuote(binary)) ui --dump 120x40 </dev/null")
        #expect(r.status == 0)
        let lines = r.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 40)
        #expect(lines.allSatisfy { $0.count <= 120 })
        #expect(lines[1].hasPrefix("┌1 PASID entries ─") && lines[1].contains("┐┌2 Walk "))
        #expect(r.output.contains("┌5 Log") && r.output.contains("┌ note"))
    }

    @Test func dumpAfterStepsShowsThatState() throws {
        let binary = try #require(uiBinaryPath)
        let r = uiShell("LC_ALL=C.UTF-8 \(uiShellQuote(binary)) ui tour --step 5 --dump 120x40 </dev/null")
        #expect(r.status == 0)
        #expect(r.output.hasPrefix(" NestScope · tour · step 5/12"))
        #expect(r.output.contains("24 table reads, 0 cached (cold)"))
        let bad = uiShell("\(uiShellQuote(binary)) ui nosuch --dump 80x24 2>&1 </dev/null")
        #expect(bad.status == 2 && bad.output.contains("no bundled scenario or file named 'nosuch'"))
    }

    @Test func dumpInANonUTF8LocaleIsASCII() throws {
        let binary = try #require(uiBinaryPath)
        let r = uiShell("LC_ALL=C LANG=C \(uiShellQuote(binary)) --dump 80x24 </dev/null")
        #expect(r.status == 0)
        #expect(r.output.utf8.allSatisfy { $0 < 0x80 })
        #expect(r.output.contains("+1 PASID entries ---"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let binary = try #require(uiBinaryPath)
        let size = uiShell("\(uiShellQuote(binary)) ui --dump 120by40 2>&1 </dev/null")
        #expect(size.status == 2 && size.output.contains("--dump wants WIDTHxHEIGHT"))
        let theme = uiShell("\(uiShellQuote(binary)) ui --theme solarised --dump 80x24 2>&1 </dev/null")
        #expect(theme.status == 2 && theme.output.contains("unknown theme 'solarised'"))
        let missing = uiShell("\(uiShellQuote(binary)) ui --theme /nonexistent/x.theme --dump 80x24 2>&1 </dev/null")
        #expect(missing.status == 2 && missing.output.contains("cannot read theme file '/nonexistent/x.theme'"))
    }

    @Test func aBadThemeFileFallsBackAndNamesTheLine() throws {
        let binary = try #require(uiBinaryPath)
        let file = NSTemporaryDirectory() + "nestscope-bad-\(getpid()).theme"
        try "# mine\ncolor border red default\ncolor bordr red default\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = uiShell("LC_ALL=C.UTF-8 \(uiShellQuote(binary)) ui --theme \(uiShellQuote(file)) --dump 120x40 2>&1 </dev/null")
        #expect(r.status == 0)
        #expect(r.output.contains("\(file):3:7: unknown role 'bordr'"))
        #expect(r.output.contains("using the default theme"))
    }
}
