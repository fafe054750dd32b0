#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time and resident memory, the two things the benchmark reads from the system.
enum BenchClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Resident set size in bytes, from /proc/self/statm (0 where unavailable).
    static func residentBytes() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        guard withUnsafeMutablePointer(to: &size, { s in withUnsafeMutablePointer(to: &resident, { r in
            fscanf_pair(f, s, r) }) }) == 2 else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func fscanf_pair(_ f: UnsafeMutablePointer<FILE>, _ a: UnsafeMutablePointer<Int>, _ b: UnsafeMutablePointer<Int>) -> Int32 {
        var line = [CChar](repeating: 0, count: 256)
        guard fgets(&line, 256, f) != nil else { return 0 }
        let parts = cString(line).split(separator: " ")
        guard parts.count >= 2, let x = Int(parts[0]), let y = Int(parts[1]) else { return 0 }
        a.pointee = x
        b.pointee = y
        return 2
    }

    /// A short description of the machine for the report.
    static func machineDescription() -> String {
        var model = "unknown CPU"
        if let f = fopen("/proc/cpuinfo", "r") {
            var line = [CChar](repeating: 0, count: 512)
            while fgets(&line, 512, f) != nil {
                let s = cString(line)
                if s.hasPrefix("model name") {
                    model = s.split(separator: ":", maxSplits: 1).last.map { String($0).trimmed() } ?? model
                    break
                }
            }
            fclose(f)
        }
        return "\(model), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores online"
    }
}

/// The text of a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
