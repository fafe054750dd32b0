import IOMMUModel
#if canImport(Glibc)
import Glibc
#endif

/// Finds a scenario by bundled name or file path and parses it.
public enum ScenarioLoader {
    public enum LoadError: Error, CustomStringConvertible {
        case notFound(String)
        case unreadable(String, String)
        case tooLarge(String)
        public var description: String {
            switch self {
            case .notFound(let n):
                return "no bundled scenario or file named '\(n)'; bundled: \(BundledScenarios.all.map(\.name).joined(separator: ", "))"
            case .unreadable(let p, let why): return "cannot read \(p): \(why)"
            case .tooLarge(let p): return "\(p) is larger than \(ScenarioParser.maxBytes >> 20) MiB"
            }
        }
    }

    /// The text of a bundled scenario or a file.
    public static func text(_ nameOrPath: String) throws(LoadError) -> (name: String, text: String) {
        if let b = BundledScenarios.named(nameOrPath) { return (b.name, b.text) }
        guard nameOrPath.contains("/") || nameOrPath.contains(".") else { throw .notFound(nameOrPath) }
        return (nameOrPath, try readFile(nameOrPath, limit: ScenarioParser.maxBytes))
    }

    /// Reads a whole file up to `limit` bytes.
    public static func readFile(_ path: String, limit: Int) throws(LoadError) -> String {
        guard let f = fopen(path, "rb") else { throw .unreadable(path, String(cString: strerror(errno))) }
        defer { fclose(f) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            data += buffer[0..<n]
            if data.count > limit { throw .tooLarge(path) }
        }
        // fread of a directory returns 0 with EISDIR: not an empty, "clean" scenario.
        if ferror(f) != 0 { throw .unreadable(path, String(cString: strerror(errno))) }
        return String(decoding: data, as: UTF8.self)
    }
}
