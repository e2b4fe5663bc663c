/// Names in a table's `_delta_log/` folder.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#delta-log-entries
public enum DeltaLogPath {
    public static let folder = "_delta_log/"

    /// `{version:020}.json`.
    public static func commitName(_ version: Int64) -> String {
        padded(version) + ".json"
    }

    /// `{version:020}.checkpoint.parquet` (a single-file checkpoint).
    public static func checkpointName(_ version: Int64) -> String {
        padded(version) + ".checkpoint.parquet"
    }

    public static let lastCheckpointName = "_last_checkpoint"

    /// The version of a commit file's name (`00000000000000000012.json` -> 12); nil for any other
    /// name in the log (checkpoints, `_last_checkpoint`, temporary files).
    public static func commitVersion(_ name: String) -> Int64? {
        guard name.utf8.count == 25, name.hasSuffix(".json") else { return nil }
        let digits = name.prefix(20)
        guard digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(digits)
    }

    private static func padded(_ version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
