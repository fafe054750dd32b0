import ArgumentParser

/// The root command: with no subcommand it opens the UI on the bundled default scenario.
struct NestScope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nestscope",
        abstract: "Inspect IOMMU translation state: VT-d and SMMUv3 nesting, caches, invalidations, locked_vm.",
        subcommands: [UICommand.self, DecodeCommand.self, EncodeCommand.self, ScenariosCommand.self, RunCommand.self,
                      CheckCommand.self, WalkCommand.self, BenchCommand.self, LanguageCommand.self, ImportCommand.self,
                      FaultsCommand.self],
        defaultSubcommand: UICommand.self)
}
