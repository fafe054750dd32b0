import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `nestscope walk --svg`: a picture a teacher can put on a slide unchanged (issue 17): well-formed,
/// every read numbered in the order the hardware makes it, the configuration reads shown, every
/// value inside its box, the stage names of the architecture, and every fill explained.
@Suite struct WalkSVGTests {
    let cli = DecodeCLITests()

    /// The picture's elements: rectangles and texts with their positions.
    struct Picture {
        struct Rect { var x, y, width, height: Double; var fill: String }
        struct Text { var x, y: Double; var text: String; var size: Double }
        var width = 0.0, height = 0.0, fontSize = 0.0
        var rects: [Rect] = [], texts: [Text] = []
    }

    final class Reader: NSObject, XMLParserDelegate {
        var picture = Picture()
        var open: Picture.Text?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
            let d = { (k: String) in Double(a[k] ?? "") ?? 0 }
            switch name {
            case "svg": picture.width = d("width"); picture.height = d("height"); picture.fontSize = d("font-size")
            case "rect" where a["width"] != "100%": picture.rects.append(.init(x: d("x"), y: d("y"), width: d("width"), height: d("height"), fill: a["fill"] ?? ""))
            case "text": open = .init(x: d("x"), y: d("y"), text: "", size: a["font-size"].flatMap(Double.init) ?? picture.fontSize)
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters s: String) { open?.text += s }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text", let t = open { picture.texts.append(t); open = nil }
        }
    }

    func picture(_ args: [String]) throws -> (Picture, String) {
        let path = NSTemporaryDirectory() + "walk-\(UUID().uuidString).svg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try cli.run(["walk"] + args + ["--svg", path])
        #expect(r.code == 0, "\(r.err)")
        let data = try #require(FileManager.default.contents(atPath: path))
        let parser = XMLParser(data: data)
        let reader = Reader()
        parser.delegate = reader
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        return (reader.picture, String(decoding: data, as: UTF8.self))
    }

    // VT-d 3.4.3 / 3.6: a cold nested walk reads root, context, PASID-directory and PASID entries,
    // then (4+1)(4+1)−1 = 24 table reads: 28 reads, each numbered once, in order.
    @Test func everyReadIsNumberedOnceAndTheConfigurationReadsAreShown() throws {
        let (p, _) = try picture(["tour"])
        let orders = p.texts.compactMap { t -> Int? in
            guard t.text.hasPrefix("#"), let n = Int(t.text.dropFirst().prefix { $0.isNumber }) else { return nil }
            return n
        }
        #expect(orders.sorted() == Array(1...28), "\(orders)")
        for kind in ["root entry", "context entry", "PASID directory entry", "PASID entry"] {
            #expect(p.texts.contains { $0.text.hasSuffix(" " + kind) && $0.text.hasPrefix("#") }, "no \(kind)")
        }
        // The stage-1 column says which level each entry is (VT-d names: FS/SS, not S1/S2).
        for level in 1...4 { #expect(p.texts.contains { $0.text.hasSuffix("FS L\(level) entry") }) }
        #expect(!p.texts.contains { $0.text.contains("S1 ") || $0.text.contains("S2 ") })
        #expect(p.texts.contains { $0.text == "→ HPA 0x1_0020_0000 RW-U, 4K page, walked" })
    }

    // On Arm the stages are S1/S2 and the addresses IPA/PA (IHI0070 §3.3); the CD is fetched through stage 2.
    @Test func armNamesAndTheCDFetchThroughStageTwo() throws {
        let (p, _) = try picture(["smmuv3-nested-basics"])
        #expect(p.texts.contains { $0.text == "step / IPA" })
        #expect(p.texts.contains { $0.text.hasSuffix("stage 2 L3 for the CD") })
        #expect(p.texts.contains { $0.text.hasSuffix("S1 L3 entry") })
        #expect(p.texts.contains { $0.text.hasPrefix("→ PA ") })
    }

    /// A monospace glyph advances 0.602 em in DejaVu Sans Mono (the font rsvg picks for "monospace"
    /// on Debian); a text starting inside a box must end inside it, and every text inside the picture.
    @Test func everyTextFitsItsBoxAndThePicture() throws {
        for args in [["tour"], ["tour", "--step", "7"], ["smmuv3-nested-basics"], ["vtd-leaf-hint-pitfall"]] {
            let (p, _) = try picture(args)
            for t in p.texts {
                let end = t.x + Double(t.text.count) * 0.602 * t.size
                #expect(end <= p.width, "\(args): '\(t.text)' runs off the picture")
                if let box = p.rects.first(where: { t.x > $0.x && t.x < $0.x + $0.width && t.y > $0.y && t.y < $0.y + $0.height }) {
                    #expect(end <= box.x + box.width, "\(args): '\(t.text)' overflows its box")
                }
            }
        }
    }

    // A warm walk (tour step 7: the PWCs supply the upper levels) shows cached and unneeded cells,
    // and the legend explains every fill it uses.
    @Test func theLegendExplainsEveryFill() throws {
        let (p, _) = try picture(["tour", "--step", "7"])
        let words = ["#ffd9a8": "read from memory", "#b8e0b8": "supplied by a cache", "#f4f4f4": "not needed"]
        for fill in Set(p.rects.map(\.fill)) {
            let explanation = try #require(words[fill], "unexplained fill \(fill)")
            #expect(p.texts.contains { $0.text.hasPrefix(explanation) }, "no legend for \(fill)")
        }
        #expect(Set(p.rects.map(\.fill)).count == 3)
        #expect(p.texts.contains { $0.text.hasSuffix("from the PWC-S1") })
    }

    // Tour step 6: the NIC's ATC answers (PCIe ATS; VT-d 4.1): one cached translation, no grid of unread cells.
    @Test func aCachedTranslationIsOneBoxNotAnEmptyGrid() throws {
        let (p, _) = try picture(["tour", "--step", "6"])
        #expect(p.texts.contains { $0.text.hasSuffix("translation") } && p.texts.contains { $0.text == "from the ATC" })
        #expect(!p.texts.contains { $0.text == "not read" })
        #expect(Set(p.rects.map(\.fill)) == ["#b8e0b8"])
    }

    /// Rendered as a slide: 1920 px wide PNG (skipped without rsvg-convert).
    @Test func rendersToAPNGAt1920Pixels() throws {
        guard uiShell("command -v rsvg-convert >/dev/null 2>&1").status == 0 else { return }
        let (_, svg) = try picture(["tour"])
        let dir = NSTemporaryDirectory() + "svg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try svg.write(toFile: dir + "/w.svg", atomically: true, encoding: .utf8)
        let r = uiShell("rsvg-convert -w 1920 \(dir)/w.svg -o \(dir)/w.png 2>&1")
        #expect(r.status == 0, "\(r.output)")
        let png = try #require(FileManager.default.contents(atPath: dir + "/w.png"))
        // PNG IHDR: width is the big-endian word at byte 16.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1920)
    }
}
