import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a shell command with popen and returns its output and exit status.
/// popen, not Foundation.Process: Process waits for EOF on a socket the daemonised tmux
/// server inherits, and hangs (tui_recipe.md pitfall 15).
func uiShell(_ command: String) -> (output: String, status: Int32) {
    guard let f = popen(command, "r") else { return ("popen failed", -1) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    let raw = pclose(f)
    let status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    return (String(decoding: out, as: UTF8.self), status)
}

/// Quotes a string for sh.
func uiShellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// The nestscope binary next to the test bundle (both live in the build directory).
let uiBinaryPath: String? = {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    guard n > 0 else { return nil }
    let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    for _ in 0..<3 {
        let candidate = dir + "/nestscope"
        if access(candidate, X_OK) == 0 { return candidate }
        dir = dir.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }
    return nil
}()

let uiTmuxAvailable: Bool = uiShell("command -v tmux >/dev/null 2>&1").status == 0

/// A private tmux server (its own -L socket, no user config) with one session `app`.
/// Follows tui_recipe.md §4: fixed size, explicit environment, poll instead of sleeping,
/// exit status through a file.
final class UITmuxSession {
    let socket: String
    let directory: String

    init(name: String) {
        socket = "nestscope-e2e-\(getpid())-\(name)"
        let dir = NSTemporaryDirectory() + "nestscope-e2e-\(getpid())-\(name)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        directory = dir
    }

    deinit {
        _ = tmux("kill-server")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A path in the session's scratch directory.
    func path(_ name: String) -> String { directory + "/" + name }

    @discardableResult
    func tmux(_ args: String...) -> String {
        let quoted = args.map(uiShellQuote).joined(separator: " ")
        return uiShell("LC_ALL=C.UTF-8 LANG=C.UTF-8 TMUX= tmux -f /dev/null -L \(socket) \(quoted) 2>/dev/null").output
    }

    /// Starts `command` (run by sh) in a detached session of the given size.
    func start(width: Int, height: Int, command: String) {
        tmux("new-session", "-d", "-s", "app", "-x", "\(width)", "-y", "\(height)", command)
    }

    func screen() -> String { tmux("capture-pane", "-p", "-t", "app") }

    /// Polls the screen until it contains `text`; returns the last screen and whether it was found.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 15) -> (found: Bool, screen: String) {
        waitUntil(timeout: timeout) { $0.contains(text) }
    }

    /// Polls until a whole screen satisfies `settled`: a capture can fall between two writes of one frame.
    func waitUntil(timeout: Double = 15, _ settled: (String) -> Bool) -> (found: Bool, screen: String) {
        let deadline = uiNow() + timeout
        var last = ""
        repeat {
            last = screen()
            if settled(last) { return (true, last) }
            usleep(50_000)
        } while uiNow() < deadline
        return (false, last)
    }

    /// Polls until the screen no longer contains `text`.
    @discardableResult
    func waitForAbsence(_ text: String, timeout: Double = 15) -> Bool {
        let deadline = uiNow() + timeout
        repeat {
            if !screen().contains(text) { return true }
            usleep(50_000)
        } while uiNow() < deadline
        return false
    }

    /// Polls a file until it is non-empty; returns its trimmed content.
    func waitForFile(_ name: String, timeout: Double = 15) -> String? {
        let deadline = uiNow() + timeout
        repeat {
            if let t = try? String(contentsOfFile: path(name), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty { return t }
            usleep(50_000)
        } while uiNow() < deadline
        return nil
    }

    func display(_ format: String) -> String {
        tmux("display-message", "-p", "-t", "app", format).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

func uiNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
