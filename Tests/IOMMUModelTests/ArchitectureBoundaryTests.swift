import Foundation
import Testing

/// Issue 12: nothing outside an architecture's folder names that architecture's types, and the UI
/// does not branch on the architecture. Runs the check over Sources/ so `swift test` is the CI gate.
@Suite struct ArchitectureBoundaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sources = root.appendingPathComponent("Sources")

    /// Where per-architecture types may be named: the architecture folders of the model and their
    /// codecs, any folder named for an architecture in another module (`Scenario/Language/VTd/`,
    /// `nestscope/Bench/SMMUv3/`), and the registration tables.
    static let allowedPrefixes = [
        "Sources/IOMMUModel/VTd/", "Sources/IOMMUModel/SMMUv3/",
        "Sources/IOMMUModel/Codecs/VTd/", "Sources/IOMMUModel/Codecs/SMMUv3/", "Sources/IOMMUModel/Codecs/LPAE/",
        "Sources/IOMMUModel/AMDVi/", "Sources/IOMMUModel/Codecs/AMDVi/",
    ]
    static let architectureFolders: Set<String> = ["VTd", "SMMUv3", "AMDVi"]
    /// The registration tables: the architectures (Scenario), the codec families `decode` knows and
    /// the kernel's vendor drivers the host model calls, the page-table families the table builder
    /// uses (model), the benchmark suites (CLI).
    static let registrationTables: Set<String> = ["Sources/Scenario/Architectures.swift", "Sources/IOMMUModel/Codecs/StructureCatalog.swift",
                                                  "Sources/IOMMUModel/Host/HostDrivers.swift", "Sources/IOMMUModel/Interface/WalkVocabulary.swift",
                                                  "Sources/nestscope/Bench/BenchArchitectures.swift"]

    /// TEMPORARY EXCEPTIONS (walker branch, issue 12 item 2): none left; the table builder's formats
    /// describe themselves as `PageTableFamily`s in their architecture's folder.
    static let walkerExceptions: [String] = []

    /// TEMPORARY EXCEPTIONS (issue 12 item 4): none left; the host model reaches each vendor through
    /// `HostIOMMUDriver` and the benchmarks through `BenchArchitectures`. Kept so a branch merging an
    /// unfinished file has one place to say so.
    static let unfinishedExceptions: [String] = []

    /// Exceptions to the UI branch rule: none (every pane reads the unit through the IOMMU protocol).
    static let branchExceptions: [String] = []

    /// Every Swift file under Sources/, as a path relative to the package root.
    static func swiftFiles() -> [String] {
        guard let e = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        let prefix = root.path + "/"
        return e.compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".swift") }
            .map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }.sorted()
    }

    /// The code of a line without its `//` comment (string literals may still name a type: they are text, not code).
    static func code(_ line: Substring) -> Substring {
        var inString = false
        var previous: Character = " "
        for i in line.indices {
            let c = line[i]
            if c == "\"" { inString.toggle() }
            if !inString && c == "/" && previous == "/" { return line[..<line.index(before: i)] }
            previous = c
        }
        return line
    }

    /// `file:line: text` for every line matching `pattern` in files the filter keeps.
    static func offenders(_ pattern: String, in files: [String]) throws -> [String] {
        let regex = try Regex(pattern)
        var out: [String] = []
        for f in files {
            let text = try String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let c = code(line)
                guard c.contains(regex) else { continue }
                // A string literal naming a kind (`"vtd-qi"`) is text, not a type: drop literals before matching.
                let withoutStrings = c.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: " ")
                if withoutStrings.contains(regex) { out.append("\(f):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))") }
            }
        }
        return out
    }

    static func allowed(_ f: String) -> Bool {
        allowedPrefixes.contains { f.hasPrefix($0) } || registrationTables.contains(f)
            || f.split(separator: "/").dropLast().contains { architectureFolders.contains(String($0)) }
    }

    @Test func onlyArchitectureFoldersNameArchitectureTypes() throws {
        let files = Self.swiftFiles()
        #expect(files.count > 100, "the check found no sources under \(Self.sources.path)")
        let checked = files.filter { !Self.allowed($0) && !Self.walkerExceptions.contains($0) && !Self.unfinishedExceptions.contains($0) }
        let bad = try Self.offenders(#"\b(VTd|SMMUv3|AMDVi)[A-Z][A-Za-z0-9]*"#, in: checked)
        #expect(bad.isEmpty, "per-architecture types named outside their folders:\n\(bad.joined(separator: "\n"))")
    }

    @Test func uiHasNoArchitectureBranches() throws {
        let ui = Self.swiftFiles().filter { $0.hasPrefix("Sources/TerminalUI/") && !Self.branchExceptions.contains($0) }
        let bad = try Self.offenders(#"\bisArm\b|\barm\s*(\?|&&|\|\|)|if\s+arm\b|family\s*==\s*\.smmu|\.vtdScalable\b|\.vtdLegacy\b|\.smmuv3\b"#, in: ui)
        #expect(bad.isEmpty, "architecture branches in the UI:\n\(bad.joined(separator: "\n"))")
    }

    /// The exception lists name files that exist, so a moved or fixed file cannot hide behind a stale entry.
    @Test func exceptionsNameRealFiles() {
        let files = Set(Self.swiftFiles())
        let missing = (Self.walkerExceptions + Self.unfinishedExceptions + Self.branchExceptions).filter { !files.contains($0) }
        #expect(missing.isEmpty, "exceptions for files that do not exist: \(missing)")
    }
}
