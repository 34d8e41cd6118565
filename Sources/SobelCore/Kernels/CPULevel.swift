internal import CSobelKernels
import Foundation

/// The x86-64 instruction-set level SobelCore's hot kernels run at.
///
/// Every build carries the kernels of all three levels (in the `CSobelKernels` C target) and picks the best
/// one this CPU runs, once per process, so a plain `swift build -c release` runs AVX-512 code on a CPU that
/// has it and SSE2 code on one that does not; no compiler flag is needed. The environment variable
/// `SOBEL_CPU=baseline|avx2|avx512` forces a level, for tests and benchmarks. Off x86-64 (arm64) there is no
/// level: the Swift kernels run, vectorised for the target's baseline (NEON).
///
/// Every level computes the same pixels, bit for bit; only the speed differs.
public enum CPULevel: String, CaseIterable, Comparable, Sendable {
    /// x86-64: SSE2.
    case baseline
    /// x86-64-v3: AVX2, FMA, BMI2.
    case avx2
    /// x86-64-v4: AVX-512 F, BW, VL and DQ.
    case avx512

    var code: Int32 {
        switch self {
        case .baseline: Int32(CSOBEL_LEVEL_BASELINE)
        case .avx2: Int32(CSOBEL_LEVEL_AVX2)
        case .avx512: Int32(CSOBEL_LEVEL_AVX512)
        }
    }

    public static func < (lhs: CPULevel, rhs: CPULevel) -> Bool { lhs.code < rhs.code }

    /// Whether this CPU (and operating system) runs this level. Always `false` off x86-64.
    public var isSupported: Bool { csobel_cpu_supports(code) != 0 }

    /// The levels this CPU runs, lowest first; empty off x86-64.
    public static var supported: [CPULevel] { allCases.filter(\.isSupported) }

    /// The level the kernels run at in this process: the one `SOBEL_CPU` names when this CPU runs it,
    /// otherwise the best this CPU runs; `nil` off x86-64, where the Swift kernels run.
    public static var active: CPULevel? { selection.level }

    /// Why `SOBEL_CPU` was not followed (an unknown name, or a level this CPU lacks), or `nil` when it was
    /// followed or is unset. The kernels then run at the best level this CPU runs; `sobel` refuses to start.
    public static var environmentError: CPULevelError? { selection.error }

    /// The variable that forces a level.
    public static let environmentVariable = "SOBEL_CPU"

    /// The level a `SOBEL_CPU` value asks for.
    /// - Parameters:
    ///   - requested: The variable's value; `nil` or empty picks the best supported level.
    ///   - supported: The levels the CPU runs, lowest first.
    /// - Returns: The level, or `nil` when `supported` is empty and nothing was requested.
    /// - Throws: ``CPULevelError`` for a name that is not a level, or a level not in `supported`.
    public static func resolve(_ requested: String?, supported: [CPULevel]) throws(CPULevelError) -> CPULevel? {
        guard let requested, !requested.isEmpty else { return supported.max() }
        guard let level = CPULevel(rawValue: requested.lowercased()) else {
            throw CPULevelError(
                description: "\(environmentVariable)=\(requested) is not a level: use one of \(allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard supported.contains(level) else {
            let runs =
                supported.isEmpty
                ? "this CPU runs none of them (it is not x86-64)"
                : "this CPU runs \(supported.map(\.rawValue).joined(separator: ", "))"
            throw CPULevelError(description: "\(environmentVariable)=\(requested): \(level.requirement); \(runs)")
        }
        return level
    }

    /// What a CPU needs for this level, in words.
    var requirement: String {
        switch self {
        case .baseline: "the baseline level needs an x86-64 CPU"
        case .avx2: "the avx2 level needs AVX2, FMA and BMI2"
        case .avx512: "the avx512 level needs AVX-512 F, BW, VL and DQ"
        }
    }

    private static let selection: (level: CPULevel?, error: CPULevelError?) = {
        let supported = CPULevel.supported
        do throws(CPULevelError) {
            return (try resolve(ProcessInfo.processInfo.environment[environmentVariable], supported: supported), nil)
        } catch {
            return (supported.max(), error)
        }
    }()
}

/// A `SOBEL_CPU` value that cannot be followed.
public struct CPULevelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, in words for the user.
    public let description: String
}
