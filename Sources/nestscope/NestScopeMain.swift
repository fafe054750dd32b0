import ArgumentParser
import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// Entry point: parse, run, and map every failure to the documented exit codes
/// (0 success, 1 the check found problems, 2 bad input or usage).
@main
enum NestScopeMain {
    static func main() {
        do {
            let split = ValueArguments.split(Array(CommandLine.arguments.dropFirst()))
            var command = try NestScope.parseAsRoot(split.options)
            if let values = split.values {
                if var d = command as? DecodeCommand { d.values = values; command = d }
                if var e = command as? EncodeCommand { e.assignments = values; command = e }
            }
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let failure as CLIFailure {
            writeStandardError("nestscope: \(failure.message)\n")
            exit(failure.code)
        } catch {
            let code = NestScope.exitCode(for: error)
            if code == .success {
                print(NestScope.fullMessage(for: error))
                exit(0)
            }
            writeStandardError("nestscope: \(NestScope.message(for: error))\n")
            if !(error is CodecError) { writeStandardError(NestScope.usageString(for: error)) }
            exit(2)
        }
    }

    /// Every message goes out with its control characters escaped (line breaks kept).
    static func writeStandardError(_ text: String) {
        var bytes = Array(text.escapingControlCharacters(keepingNewlines: true).utf8)
        _ = write(2, &bytes, bytes.count)
    }
}

extension NestScope {
    static func usageString(for error: Error) -> String {
        let usage = helpMessage(for: NestScope.self).split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("USAGE:") }.prefix(2).joined(separator: "\n")
        return usage.isEmpty ? "" : usage + "\n"
    }
}

/// A failure with a one-line message and its exit code (1 findings, 2 bad input or usage).
struct CLIFailure: Error {
    let message: String
    let code: Int32
    init(_ message: String, code: Int32 = 2) { self.message = message; self.code = code }
}
