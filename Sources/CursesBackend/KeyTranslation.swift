import CNcursesw
import TerminalUI

/// ncurses key codes to `Key`.
enum KeyTranslation {
    /// A character `wget_wch` returned with `OK`.
    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 127, 8: return .backspace
        case 1...26: return Unicode.Scalar(value + 0x60).map { .ctrl(Character($0)) }
        case 0, 28...31: return nil
        default: return Unicode.Scalar(value).map { .char(Character($0)) }
        }
    }

    /// A function-key code `wget_wch` returned with `KEY_CODE_YES` (not mouse or resize).
    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        default:
            let f0 = cn_key_f(0)
            if code > f0 && code <= f0 + 63 { return .function(Int(code - f0)) }
            return nil
        }
    }

    /// A mouse event from its button state (ncurses mouse version 2 masks, via the shim).
    static func mouse(x: Int32, y: Int32, buttons: mmask_t) -> Key? {
        if buttons & cn_button4_pressed() != 0 { return .mouse(MouseEvent(.wheelUp, x: Int(x), y: Int(y))) }
        if buttons & cn_button5_pressed() != 0 { return .mouse(MouseEvent(.wheelDown, x: Int(x), y: Int(y))) }
        if buttons & (cn_button1_pressed() | cn_button1_clicked()) != 0 {
            return .mouse(MouseEvent(.click, x: Int(x), y: Int(y)))
        }
        return nil
    }
}
