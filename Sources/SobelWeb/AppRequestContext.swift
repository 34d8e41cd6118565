public import Hummingbird

/// The app's request context. Upload limits are global settings, applied by the controllers from
/// ``WebSettings``, not by the context.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
