import ArgumentParser
import Scenario

/// `nestscope language`: every statement of the scenario language with what it does.
struct LanguageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "language", abstract: "Describe the scenario language, statement by statement.")

    func run() throws {
        print("Scenario files and the UI's ':' prompt take one statement a line; '#' starts a comment.")
        print("Numbers: decimal, 0x hex, 0b binary, '_' separators, K/M/G/T suffixes (powers of two).")
        print("Descriptor and command fields (qi, cmd) also take their value names, as encode does:")
        print("g=global|dsi|psi, g=nonglobal (piotlb), tg=4k|16k|64k, cs=none|irq|sev; a bad name lists the valid ones.\n")
        for (form, what) in ScenarioLanguage.statements {
            print(form)
            print("    \(what)")
        }
        print("\n`expect fault CODE` takes a VT-d fault reason or an SMMUv3 event id (0: STE.Config = abort, no event);")
        print("`nestscope faults` lists every one the model raises with its condition, `--show CODE` a scenario that raises it.")
    }
}
