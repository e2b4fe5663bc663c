/// The Athena symlink list of one exported window (`athena_symlinks`): the text file Hive's
/// `SymlinkTextInputFormat` reads, one `s3://{bucket}/{key}` per line, naming each data object of
/// the window and nothing else.
///
/// Why it exists: Athena reads every object under a table's partition folder (it skips only names
/// that begin with `_` or `.`), and its Parquet reader fails on the JSON manifest the exporter
/// writes beside the data (DESIGN §5). A table declared with `SymlinkTextInputFormat` reads the
/// objects a list names instead of the folder, as Athena's tables over S3 Inventory do
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-athena-query.html).
/// Keys go in as they are, not percent-encoded: the reader makes each line a path.
public struct AthenaSymlinkList: Sendable, Hashable {
    public let bucket: String
    /// The window's data objects, in the manifest's order.
    public let keys: [String]

    public init(bucket: String, keys: [String]) {
        self.bucket = bucket
        self.keys = keys
    }

    /// The list's bytes: each URL followed by LF, no blank line (a reader would take one for a path).
    public var text: String {
        keys.map { "s3://\(bucket)/\($0)\n" }.joined()
    }

    /// The object's Content-Type.
    public static let contentType = "text/plain; charset=utf-8"
}
