import ParquetWriter

/// Why a checkpoint could not be written.
public enum DeltaCheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The snapshot lacks an action every checkpoint must hold (`protocol`, `metaData`), or has
    /// more than one of it.
    case snapshotNeedsOne(action: String, found: Int)
    /// An action a checkpoint cannot carry (one read from another writer and not interpreted).
    case unsupportedAction(String)
    /// A row does not fit the checkpoint schema (a programming error in the shredding).
    case shape(String)
    /// The Parquet writer refused the columns.
    case parquet(ParquetWriterError)

    public var description: String {
        switch self {
        case .snapshotNeedsOne(let action, let found):
            "a Delta checkpoint needs exactly one \(action) action, the snapshot has \(found)"
        case .unsupportedAction(let name):
            "a Delta checkpoint cannot carry the action \(name.isEmpty ? "(unnamed)" : name), which the exporter does not interpret"
        case .shape(let reason):
            "a Delta checkpoint row does not fit its schema: \(reason)"
        case .parquet(let error):
            "writing the Delta checkpoint: \(error)"
        }
    }
}
