/// Why a Delta table's log cannot be used. Each message names the version (the object
/// `_delta_log/{version:020}.json`) so an operator can look at it.
public enum DeltaLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A commit file's line is not a JSON action.
    case malformedCommit(version: Int64, line: Int)
    /// The log skips a version: another tool removed commits this writer needs to replay.
    case missingCommit(version: Int64)
    /// The table needs a protocol this writer does not implement.
    case unsupportedProtocol(minReaderVersion: Int32, minWriterVersion: Int32, features: [String])
    /// The table was written with partition columns, which this writer never writes.
    case partitioned(columns: [String])

    public var description: String {
        switch self {
        case .malformedCommit(let version, let line):
            "the Delta log's commit \(DeltaLogPath.commitName(version)) is not valid JSON at line \(line)"
        case .missingCommit(let version):
            "the Delta log has no commit \(DeltaLogPath.commitName(version)) although later ones exist; another tool removed commits the exporter must replay (restore them, or export to a new key_prefix)"
        case .unsupportedProtocol(let reader, let writer, let features):
            "the Delta table needs reader version \(reader) and writer version \(writer)\(features.isEmpty ? "" : " with features \(features.joined(separator: ", "))"); the exporter writes only reader 1 / writer 1-2 tables (export to a new key_prefix)"
        case .partitioned(let columns):
            "the Delta table is partitioned by \(columns.joined(separator: ", ")); the exporter writes unpartitioned tables (export to a new key_prefix)"
        }
    }
}
