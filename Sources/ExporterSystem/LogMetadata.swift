import Logging

/// Metadata merging shared by the log handlers.
enum LogMetadata {
    /// The metadata for one event, in swift-log's order of precedence (as `StreamLogHandler`):
    /// the handler's own, then the metadata provider's, then the call's, each overriding the one
    /// before; an attached error becomes `error.message` and `error.type`.
    static func merged(
        base: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        explicit: Logger.Metadata?,
        error: (any Error)?
    ) -> Logger.Metadata {
        var metadata = base
        if let provided = provider?.get(), !provided.isEmpty {
            metadata.merge(provided) { _, new in new }
        }
        if let explicit, !explicit.isEmpty {
            metadata.merge(explicit) { _, new in new }
        }
        if let error {
            metadata["error.message"] = "\(error)"
            metadata["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return metadata
    }
}
