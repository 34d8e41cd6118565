internal import CJPEG
internal import CPNG

/// The C libraries behind the codecs, for bug reports and next to benchmark figures.
public enum CodecLibraries {
    /// libpng's version at run time, e.g. `1.6.39`.
    public static var libpng: String { String(cString: png_get_libpng_ver(nil)) }
    /// The libpng headers this was built against.
    public static var libpngHeaders: String { String(cString: cpng_header_version()) }
    /// The libjpeg API level (62 for libjpeg-turbo's usual build).
    public static var libjpegAPI: Int { Int(cjpeg_api_version()) }

    /// One line naming them all.
    public static var summary: String { "libpng \(libpng) (headers \(libpngHeaders)), libjpeg API \(libjpegAPI)" }
}
