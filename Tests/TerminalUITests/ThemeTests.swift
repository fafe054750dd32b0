import Testing
@testable import TerminalUI

/// The package root, found from this file's path (Tests/TerminalUITests/ThemeTests.swift).
let packageRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

func readFile(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ThemeFileTests {
    @Test(arguments: ["dark", "light", "high-contrast", "monochrome"])
    func embeddedCopyMatchesTheFile(_ name: String) throws {
        let file = try #require(readFile("\(packageRoot)/Themes/\(name).theme"), "Themes/\(name).theme is missing")
        let embedded = try #require(BuiltInThemes.sources.first { $0.name == name }?.text)
        // A multi-line literal drops the final newline. If this fails, run Themes/embed.sh.
        #expect(embedded + "\n" == file, "Themes/\(name).theme changed: run Themes/embed.sh")
    }

    @Test(arguments: ["dark", "light", "high-contrast", "monochrome"])
    func everyBundledThemeParsesAndSetsEveryRole(_ name: String) throws {
        let text = try #require(BuiltInThemes.sources.first { $0.name == name }?.text)
        _ = try ThemeParser.parse(text, name: name, file: name, base: nil)
        let named = Set(text.split(separator: "\n").compactMap { line -> String? in
            let t = ThemeParser.tokenize(line)
            return t.count > 1 ? t[1].text : nil
        })
        #expect(named == Set(Role.allCases.map(\.themeName)), "roles missing from \(name).theme")
        #expect(BuiltInThemes.named(name) != nil)
    }

    @Test func theDefaultIsDarkAndMonochromeUsesNoColour() {
        #expect(Theme.defaultTheme.name == "dark")
        #expect(BuiltInThemes.all.map(\.name) == ["dark", "light", "high-contrast", "monochrome"])
        for role in Role.allCases {
            #expect(BuiltInThemes.monochrome[role].foreground == .terminalDefault)
            #expect(BuiltInThemes.monochrome[role].background == .terminalDefault)
        }
        // Selection must be visible without colour.
        #expect(BuiltInThemes.monochrome[.selected].attributes.contains(.reverse))
    }

    @Test func themesReadmeDocumentsEveryRole() throws {
        let readme = try #require(readFile("\(packageRoot)/Themes/README.md"))
        for role in Role.allCases { #expect(readme.contains("`\(role.themeName)`"), "README lacks \(role.themeName)") }
    }
}

@Suite struct ThemeParserTests {
    @Test func readsColoursAttributesAndComments() throws {
        let text = """
        # a comment line
        #add more roles later (a comment, though "#add" is hex digits)

        color border-focused  #ff8000   default  bold underline   # trailing comment
        color selected        color17   bright-white reverse
        color ok              GREEN     gray
        color ok              green     default                   # the last line wins
        """
        let t = try ThemeParser.parse(text, name: "x", file: "x.theme", base: BuiltInThemes.dark)
        #expect(t[.borderFocused] == Style(.rgb(0xFF, 0x80, 0), .terminalDefault, [.bold, .underline]))
        #expect(t[.selected] == Style(.indexed(17), .ansi(15), [.reverse]))
        #expect(t[.ok] == Style(.ansi(2), .terminalDefault, []))
        #expect(t[.hit] == BuiltInThemes.dark[.hit])           // not mentioned: from the base
        #expect(t.name == "x" && t.source == "x.theme")
    }

    @Test(arguments: [
        ("colour normal red default", 1, 1, "unknown keyword 'colour'"),
        ("color bordr red default", 1, 7, "unknown role 'bordr'"),
        ("color border redd default", 1, 14, "unknown colour 'redd'"),
        ("color border red color256", 1, 18, "unknown colour 'color256'"),
        ("color border red #12345", 1, 18, "unknown colour '#12345'"),
        ("color border red default blinky", 1, 26, "unknown attribute 'blinky'"),
        ("\n\ncolor border red", 3, 17, "expected `color <role> <fg> <bg> [attributes]`, got 2 of 3 values"),
    ] as [(String, Int, Int, String)])
    func badLinesNameTheFileLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        #expect {
            _ = try ThemeParser.parse(text, name: "t", file: "my.theme", base: nil)
        } throws: { error in
            guard let e = error as? ThemeError else { return false }
            return e.file == "my.theme" && e.line == line && e.column == column && e.message.hasPrefix(message)
                && e.description.hasPrefix("my.theme:\(line):\(column): \(message)")
        }
    }
}

@Suite struct ThemeSelectionTests {
    @Test func noRequestGivesAllBundledThemesDarkFirst() throws {
        let s = try ThemeSelection.resolve(.none, noColor: false)
        #expect(s.themes.map(\.name) == ["dark", "light", "high-contrast", "monochrome"])
        #expect(s.startIndex == 0 && s.warning == nil && s.colorsOffReason == nil)
    }

    // no-color.org: NO_COLOR (non-empty) turns colour off, but an explicit per-run choice wins.
    @Test func noColorMeansMonochromeUnlessAThemeIsAskedFor() throws {
        let s = try ThemeSelection.resolve(.none, noColor: true)
        #expect(s.themes.map(\.name) == ["monochrome"])
        #expect(s.colorsOffReason?.contains("NO_COLOR") == true)
        let explicit = try ThemeSelection.resolve(.name("light"), noColor: true)
        #expect(explicit.themes[explicit.startIndex].name == "light")
    }

    @Test func aBadThemeFileFallsBackToTheDefaultWithAWarning() throws {
        let s = try ThemeSelection.resolve(.file(path: "/tmp/solar.theme", text: "color normal default default\ncolor nope red red\n"), noColor: false)
        #expect(s.themes[s.startIndex].name == "dark")
        #expect(s.warning == "/tmp/solar.theme:2:7: unknown role 'nope' (roles: \(Role.allCases.map(\.themeName).joined(separator: ", "))); using the default theme")
    }

    @Test func aGoodThemeFileComesFirstAndInheritsTheDefault() throws {
        let s = try ThemeSelection.resolve(.file(path: "dir/solar.theme", text: "color error magenta default\n"), noColor: false)
        #expect(s.themes.first?.name == "solar")
        #expect(s.themes.first?[.error] == Style(.ansi(5), .terminalDefault, []))
        #expect(s.themes.first?[.selected] == BuiltInThemes.dark[.selected])
        #expect(s.themes.count == 5)
    }

    @Test func anUnknownNameIsAnError() {
        #expect(throws: ThemeSelectionError.self) { try ThemeSelection.resolve(.name("solarised"), noColor: false) }
    }
}

@Suite struct ColorPaletteTests {
    // Palette values: xterm's defaults (xterm 256colres.pl for 16–255; the 16 system colours
    // of XTerm's app-defaults), as ncurses and most terminal emulators use them.
    @Test func paletteEntries() {
        #expect(ColorPalette.rgb(ofIndex: 196) == (255, 0, 0))     // 16 + 36*5
        #expect(ColorPalette.rgb(ofIndex: 16) == (0, 0, 0))
        #expect(ColorPalette.rgb(ofIndex: 231) == (255, 255, 255))
        #expect(ColorPalette.rgb(ofIndex: 232) == (8, 8, 8))
        #expect(ColorPalette.rgb(ofIndex: 255) == (238, 238, 238))
    }

    @Test func coloursMapToWhatTheTerminalHas() {
        #expect(ColorPalette.terminalIndex(for: .terminalDefault, colorCount: 256) == -1)
        #expect(ColorPalette.terminalIndex(for: .ansi(9), colorCount: 256) == 9)
        #expect(ColorPalette.terminalIndex(for: .ansi(9), colorCount: 8) == 1)          // bright red → red
        #expect(ColorPalette.terminalIndex(for: .indexed(196), colorCount: 256) == 196)
        #expect(ColorPalette.terminalIndex(for: .indexed(196), colorCount: 16) == 9)    // (255,0,0) is bright red
        #expect(ColorPalette.terminalIndex(for: .indexed(196), colorCount: 8) == 1)
        #expect(ColorPalette.terminalIndex(for: .indexed(244), colorCount: 16) == 8)    // grey 128 → (127,127,127)
        #expect(ColorPalette.terminalIndex(for: .indexed(3), colorCount: 8) == 3)
        #expect(ColorPalette.terminalIndex(for: .rgb(255, 0, 0), colorCount: 256) == 196)
        #expect(ColorPalette.terminalIndex(for: .rgb(0, 0, 250), colorCount: 8) == 4)
        #expect(ColorPalette.terminalIndex(for: .ansi(2), colorCount: 2) == -1)          // no colours
    }
}
