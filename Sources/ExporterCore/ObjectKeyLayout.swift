/// Where an export's objects go in the bucket (DESIGN §5):
/// `{key_prefix}/{entity}/{yyyy}/{mm}/{dd}/{entity}_{start}_{end}[_part-NNNN].{ext}[.gz|.zst]`
/// and `..._{start}_{end}_manifest.json` (and, with `athena_symlinks`, a list per window under
/// `{key_prefix}/athena-symlinks/`). Keys depend only on the window, never on the run,
/// so re-running a window overwrites the same objects.
///
/// A FlexPrice scheduled task's stream uses FlexPrice's own layout instead (``Style/flexprice(export:rawPrefix:)``),
/// so downstream jobs that read FlexPrice's exports find the objects where they always did:
/// `{key_prefix}/{export}/{export}-{start yyMMddHHmmss}-{end yyMMddHHmmss}.csv[.gz]`, the prefix as
/// written (FlexPrice's `fmt.Sprintf("%s/%s/%s.%s", ...)`) with one leading `/` removed
/// (internal/integration/s3/upload.go in FlexPrice).
public struct ObjectKeyLayout: Sendable, Hashable {
    /// Whose key layout the stream keeps.
    public enum Style: Sendable, Hashable {
        /// The exporter's: date folders, `{entity}_{start}_{end}`.
        case exporter
        /// FlexPrice's: `export` is FlexPrice's name of the export (`events`, `invoice`,
        /// `credit_topups`), `rawPrefix` the task's `key_prefix` as written.
        case flexprice(export: String, rawPrefix: String)
    }

    /// The prefix with leading, trailing and repeated slashes removed ("" for none).
    public let prefix: String
    public let style: Style

    public init(keyPrefix: String, style: Style = .exporter) {
        prefix = keyPrefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        self.style = style
    }

    /// The folder and base name shared by an export's data objects and manifest.
    public func stem(entity: EntityType, window: ExportWindow) -> String {
        if case .flexprice(let export, let rawPrefix) = style {
            let key = "\(rawPrefix)/\(export)/\(export)-\(Self.flexpriceTime(window.start))-\(Self.flexpriceTime(window.end))"
            return key.hasPrefix("/") ? String(key.dropFirst()) : key
        }
        return under("\(entity.rawValue)/\(Self.dateFolder(window))/\(Self.baseName(entity: entity, window: window))")
    }

    /// FlexPrice's `yyMMddHHmmss` (Go's `060102150405`) of a UTC instant.
    static func flexpriceTime(_ seconds: Int64) -> String {
        // yyyyMMdd'T'HHmmss'Z' without the century, the T and the Z.
        String(Timestamp.compact(seconds: seconds).dropFirst(2).filter { $0.isNumber })
    }

    /// The folder the Athena symlink lists of an entity go in (`athena_symlinks`):
    /// `{key_prefix}/athena-symlinks/{entity}/`, beside the entities' folders, so no reader of an
    /// entity's folder ever meets a list.
    public func athenaSymlinkFolder(entity: EntityType) -> String {
        under("\(Self.athenaSymlinks)/\(entity.rawValue)/")
    }

    /// The key of a window's Athena symlink list:
    /// `{key_prefix}/athena-symlinks/{entity}/{yyyy}/{mm}/{dd}/{entity}_{start}_{end}.txt`, in the
    /// same date folder as the data, so the table's partition projection finds it.
    public func athenaSymlinkKey(entity: EntityType, window: ExportWindow) -> String {
        athenaSymlinkFolder(entity: entity) + Self.dateFolder(window) + "/" + Self.baseName(entity: entity, window: window) + ".txt"
    }

    /// The folder name under the key prefix that holds the symlink lists (never an entity's name).
    public static let athenaSymlinks = "athena-symlinks"

    /// `{yyyy}/{mm}/{dd}` of the window's start.
    private static func dateFolder(_ window: ExportWindow) -> String {
        let date = CivilDate(daysSinceEpoch: window.start.floorDiv(86_400))
        return String(format4: date.year) + "/" + String(format2: date.month) + "/" + String(format2: date.day)
    }

    /// `{entity}_{start}_{end}`.
    private static func baseName(entity: EntityType, window: ExportWindow) -> String {
        "\(entity.rawValue)_\(window.compactStart)_\(window.compactEnd)"
    }

    private func under(_ path: String) -> String {
        prefix.isEmpty ? path : "\(prefix)/\(path)"
    }

    /// The key of a data object; `part` is nil when the export fits in one file. `run` is set for
    /// a Delta table's files (`_run-{id}` after the window): a committed file is never overwritten,
    /// so a re-export writes beside it and the table's log switches from one set to the other.
    public func dataKey(entity: EntityType, window: ExportWindow, format: ExportFormat,
                        compression: CompressionSetting, part: Int? = nil, run: Int64? = nil) -> String {
        var key = stem(entity: entity, window: window)
        if let run { key += "_run-\(run)" }
        if let part { key += "_part-" + String(format4: Int64(part)) }
        if case .flexprice = style { return key + ".csv" + (compression == .gzip ? ".gz" : "") }
        return key + "." + format.fileExtension + format.fileSuffix(compression)
    }

    /// The folder of an entity's Delta table (`{key_prefix}/{entity}/`, with its slash): its log is
    /// `_delta_log/` inside, and its files' paths are relative to it.
    public func tableRoot(entity: EntityType) -> String {
        under("\(entity.rawValue)/")
    }

    /// Whether `key` ends like one of a Delta table's data files (`…_run-{id}.parquet` or
    /// `…_run-{id}_part-NNNN.parquet`): never a manifest, an Athena list, or another tool's file.
    public static func isDeltaDataFile(_ key: String) -> Bool {
        guard key.hasSuffix(".parquet"), let range = key.range(of: "_run-", options: .backwards) else { return false }
        let rest = key[range.upperBound...].dropLast(".parquet".count)
        let id = rest.prefix { $0.isASCII && $0.isNumber }
        guard !id.isEmpty else { return false }
        let tail = rest.dropFirst(id.count)
        if tail.isEmpty { return true }
        guard tail.hasPrefix("_part-") else { return false }
        let part = tail.dropFirst("_part-".count)
        return !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The run id in a Delta data file's key (``isDeltaDataFile(_:)``); nil for any other key.
    public static func deltaRunID(_ key: String) -> Int64? {
        guard isDeltaDataFile(key), let range = key.range(of: "_run-", options: .backwards) else { return nil }
        return Int64(key[range.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }

    /// The key of the manifest written after all data objects.
    public func manifestKey(entity: EntityType, window: ExportWindow) -> String {
        stem(entity: entity, window: window) + "_manifest.json"
    }
}

extension String {
    init(format2 value: Int64) { self = value < 10 ? "0\(value)" : "\(value)" }
    init(format4 value: Int64) {
        let digits = "\(value)"
        self = String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }
}
