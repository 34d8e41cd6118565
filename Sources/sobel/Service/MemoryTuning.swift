import CSobelAllocator
import Foundation

/// glibc's allocator, tuned for a long-running server whose requests come and go on many threads.
///
/// By default glibc serves large blocks (decoded rows, tiles, uploads) from its heaps once a large free has raised
/// its mmap threshold, and keeps what is freed there, fragmented; threads that allocate at once also get arenas of
/// their own. Measured with `scripts/soak.sh` (embedded `sobel serve`, three passes of 1,000 hostile uploads):
/// 717, 874 and 975 MB of RSS after the passes without this, 307, 304 and 303 MB with it. `sobel serve` and
/// `sobel work` therefore fix the mmap and trim thresholds at 1 MiB (blocks that large get mappings of their own,
/// returned when freed), allow two arenas, and return free heap memory to the system once a second; each setting
/// yields to its `MALLOC_*` environment variable. Elsewhere than glibc this does nothing.
enum MemoryTuning {
    /// The arenas allowed when the environment does not say.
    static let arenas: Int32 = 2
    /// Allocations from this size up (images, tiles, uploads) get mappings of their own, which go back to the
    /// system when freed, instead of heap blocks that fragment; also the heap's trim threshold.
    static let mmapThreshold: Int32 = 1 << 20

    /// Applies the tuning; call once, before the server's threads start.
    static func apply() {
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil {
            _ = csobel_limit_malloc_arenas(arenas)
        }
        if ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil
            && ProcessInfo.processInfo.environment["MALLOC_TRIM_THRESHOLD_"] == nil
        {
            _ = csobel_fix_mmap_threshold(mmapThreshold)
        }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 1)
                _ = csobel_trim_malloc()
            }
        }
    }
}
