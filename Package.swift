// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "NestScope",
    products: [
        .executable(name: "nestscope", targets: ["nestscope"]),
        .library(name: "IOMMUModel", targets: ["IOMMUModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // ncursesw as a system library; the shim header wraps the macros Swift cannot import.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
        // The model: memory, codecs, walkers, caches, invalidation, host objects. No UI, no terminal.
        .target(name: "IOMMUModel"),
        // The command language, bundled scenarios and trace importers.
        .target(name: "Scenario", dependencies: ["IOMMUModel"]),
        // Views rendered into an in-memory screen grid; no terminal access.
        .target(name: "TerminalUI", dependencies: ["IOMMUModel", "Scenario"]),
        // The thin ncurses backend that copies the grid to the terminal.
        .target(name: "CursesBackend", dependencies: ["TerminalUI", "CNcursesw"]),
        .executableTarget(
            name: "nestscope",
            dependencies: [
                "IOMMUModel", "Scenario", "TerminalUI", "CursesBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz entry points: shared by the libFuzzer build (Fuzz/run.sh) and the corpus regression tests.
        .target(name: "FuzzTargets", dependencies: ["IOMMUModel", "Scenario", "TerminalUI"]),
        .executableTarget(name: "nestscope-fuzz", dependencies: ["FuzzTargets"]),
        .testTarget(name: "IOMMUModelTests", dependencies: ["IOMMUModel"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "IOMMUModel"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Scenario", "IOMMUModel"]),
        .testTarget(name: "EndToEndTests", dependencies: ["nestscope"]),
    ]
)
