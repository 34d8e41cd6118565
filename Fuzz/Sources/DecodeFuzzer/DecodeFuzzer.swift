import FuzzDriver
import SobelCodecs

/// One fuzz input: it must decode or throw a `CodecError`; anything else (a crash, a trap, a
/// sanitizer report, a hang past -timeout) is a finding.
func decodeOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    do {
        _ = try ImageCodec.decode(bytes, options: DecodeOptions(limits: DecodeLimits(maxPixels: 4_000_000)))
    } catch is CodecError {
    } catch {
        fatalError("decode threw a non-codec error: \(error)")
    }
    return 0
}

/// SwiftPM links an executable's `main` to `<target>_main`; this one hands control to libFuzzer.
@_cdecl("DecodeFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { decodeOneInput($0, $1) }
}
