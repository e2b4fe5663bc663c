/// How a stream's files are tied together for readers (`sync_config.s3.table_format`).
public enum TableFormat: String, Sendable, CaseIterable, Codable, Hashable {
    /// Files and a manifest per window: readers find a window's files through the manifest (or
    /// the Athena symlink list).
    case none
    /// A Delta Lake table per stream: each window is one commit in `_delta_log/`, so engines read
    /// the table, with time travel and file skipping, without being told which files form it.
    case delta
}
