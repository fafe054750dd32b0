/// A scenario line built byte by byte: the importer writes one per trace record, and string
/// interpolation with `hex`/`sizeText` cost several times the rest of the record (issue 19).
/// Its spellings are `hex` (`0x` + lowercase digits) and `ScenarioBuilder.sizeText`.
struct ImportedLine {
    private(set) var bytes: [UInt8] = []

    init(_ start: StaticString) {
        bytes.reserveCapacity(96)
        add(start)
    }

    mutating func add(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func add(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// `0x` and the lowercase hex digits, as `hex(_:)` spells a value.
    mutating func hex(_ v: UInt64) {
        bytes.append(0x30); bytes.append(0x78)
        let digits = max(1, (64 - v.leadingZeroBitCount + 3) / 4)
        for k in stride(from: digits - 1, through: 0, by: -1) {
            let d = UInt8((v >> UInt64(4 * k)) & 0xf)
            bytes.append(d < 10 ? 0x30 + d : 0x57 + d)
        }
    }

    mutating func decimal(_ v: Int) {
        guard v != 0 else { bytes.append(0x30); return }
        var n = v.magnitude
        if v < 0 { bytes.append(0x2d) }
        let start = bytes.count
        while n > 0 { bytes.append(0x30 + UInt8(n % 10)); n /= 10 }
        bytes[start...].reverse()
    }

    /// `4K`, `2M`, `1G` or the plain number, as `ScenarioBuilder.sizeText`.
    mutating func size(_ n: UInt64) {
        if n >= 1 << 30 && n % (1 << 30) == 0 { decimal(Int(n >> 30)); bytes.append(0x47) }
        else if n >= 1 << 20 && n % (1 << 20) == 0 { decimal(Int(n >> 20)); bytes.append(0x4d) }
        else if n >= 1 << 10 && n % (1 << 10) == 0 { decimal(Int(n >> 10)); bytes.append(0x4b) }
        else if n <= UInt64(Int.max) { decimal(Int(n)) }
        else { add(String(n)) }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
