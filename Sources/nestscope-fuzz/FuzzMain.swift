import FuzzTargets
#if canImport(Glibc)
import Glibc
#endif

// Two builds of one file. With -DFUZZING (Fuzz/run.sh) main hands control to libFuzzer's driver
// (SwiftPM owns the executable's main, so libFuzzer's own main cannot be used); otherwise this is a
// replay driver: `nestscope-fuzz TARGET FILE...`.
#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@main
enum FuzzDriver {
    static func main() {
        let name = getenv("NESTSCOPE_FUZZ_TARGET").map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? "decode"
        guard FuzzTarget(rawValue: name) != nil else { print("NESTSCOPE_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue))"); exit(2) }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let name = getenv("NESTSCOPE_FUZZ_TARGET").map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? "decode"
            let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
            FuzzTarget(rawValue: name)?.run(bytes)
            return 0
        })
    }
}
#else
@main
enum FuzzReplay {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 3, let target = FuzzTarget(rawValue: args[1]) else {
            print("usage: nestscope-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...")
            exit(2)
        }
        for path in args.dropFirst(2) {
            guard let f = fopen(path, "rb") else { print("cannot open \(path)"); exit(2) }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true { let n = fread(&buffer, 1, buffer.count, f); if n <= 0 { break }; data += buffer[0..<n] }
            fclose(f)
            target.run(data)
        }
        print("ran \(args.count - 2) input(s) through \(target.rawValue)")
    }
}
#endif
