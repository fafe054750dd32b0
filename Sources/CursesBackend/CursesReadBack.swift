import CNcursesw
import TerminalUI

// What ncurses believes is on the screen: for tests of the drawing code on a headless
// terminal (newterm on /dev/null), as tig's test suite does with its virtual screen.
extension CursesTerminal {
    /// The text of row `y` as ncurses holds it.
    func screenRowText(_ y: Int) -> String {
        var buffer = [wchar_t](repeating: 0, count: size.width + 1)
        let n = mvwinnwstr(window, Int32(y), 0, &buffer, Int32(size.width))
        guard n > 0 else { return "" }
        return String(String.UnicodeScalarView(buffer[0..<Int(n)].compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }))
    }

    /// The attributes (without the colour bits) and colour pair of the cell at (x, y).
    func screenCell(x: Int, y: Int) -> (character: String, attributes: attr_t, pair: Int16) {
        var cell = cchar_t()
        var attrs: attr_t = 0
        var pair: Int16 = 0
        var chars = [wchar_t](repeating: 0, count: 8)
        mvwin_wch(window, Int32(y), Int32(x), &cell)
        getcchar(&cell, &chars, &attrs, &pair, nil)
        let s = String(String.UnicodeScalarView(chars.prefix { $0 != 0 }.compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }))
        return (s, attrs & ~cn_a_color(), pair)
    }
}
