/// libFuzzer's entry point, which the `-sanitize=fuzzer` runtime provides.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Hands the process to libFuzzer with `callback` as the target: call it from the executable's
/// `@_cdecl("<target>_main")`, the name SwiftPM links an executable's `main` to.
/// - Parameters:
///   - argc: The process's argument count.
///   - argv: The process's arguments (libFuzzer's flags and corpus folders).
///   - callback: Runs one input; a crash, a trap or a sanitizer report in it is a finding.
/// - Returns: libFuzzer's exit status.
public func runFuzzer(
    _ argc: CInt,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, callback)
}
