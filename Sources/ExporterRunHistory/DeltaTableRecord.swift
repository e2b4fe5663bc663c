import ExporterCore

/// Which Delta table a stream writes, as the run history files its state.
///
/// `key` tells tables apart across stores (endpoint, bucket, root): two connections may use
/// buckets of one name on different S3-compatible stores.
public struct DeltaTableRecord: Sendable, Hashable {
    public let key: String
    /// `s3://{bucket}/{key_prefix}/{entity}/`, what engines are given.
    public let location: String
    public let stream: ExportStream

    public init(endpoint: String?, bucket: String, root: String, stream: ExportStream) {
        location = "s3://\(bucket)/\(root)"
        key = (endpoint.map { $0 + " " } ?? "") + location
        self.stream = stream
    }
}

/// A Delta stream's table as `status` and the metrics show it.
public struct DeltaTableVersion: Sendable, Hashable {
    public let stream: ExportStream
    public let location: String
    public let version: Int64
    public let checkpointVersion: Int64?
}
