import FuzzDriver
import SobelCore
import SobelService

/// One fuzz input, taken as a message from the chunk queue: it must decode and render, or be refused with an
/// error (a `WireError`, or the pipeline's and tiling's own errors, as a worker reports them). A crash, a trap,
/// a sanitizer report or a hang past -timeout is a finding.
func handleOneMessage(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let chunk = try? ChunkMessage(decoding: bytes), let pipeline = try? Pipeline(parsing: chunk.header.pipeline) else { return 0 }
    _ = try? pipeline.render(
        tile: chunk.tile,
        input: chunk.inputImage(),
        imageWidth: chunk.header.imageWidth,
        imageHeight: chunk.header.imageHeight
    )
    return 0
}

/// SwiftPM links an executable's `main` to `<target>_main`; this one hands control to libFuzzer.
@_cdecl("ChunkFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { handleOneMessage($0, $1) }
}
