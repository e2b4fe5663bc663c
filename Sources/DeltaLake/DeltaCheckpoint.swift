// Placeholder until the checkpoint writer lands (same session); replaced by the real one.
public enum DeltaCheckpoint {
    public static func parquet(_ actions: [DeltaAction], createdBy: String) throws -> [UInt8] {
        throw DeltaLogError.missingCommit(version: -1)
    }
}
