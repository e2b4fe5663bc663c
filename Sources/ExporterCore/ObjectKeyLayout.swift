/// Where an export's objects go in the bucket (DESIGN §5):
/// `{key_prefix}/{entity}/{yyyy}/{mm}/{dd}/{entity}_{start}_{end}[_part-NNNN].{ext}[.gz|.zst]`
/// and `..._{start}_{end}_manifest.json`. Keys depend only on the window, never on the run,
/// so re-running a window overwrites the same objects.
public struct ObjectKeyLayout: Sendable, Hashable {
    /// The prefix with leading, trailing and repeated slashes removed ("" for none).
    public let prefix: String

    public init(keyPrefix: String) {
        prefix = keyPrefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// The folder and base name shared by an export's data objects and manifest.
    public func stem(entity: EntityType, window: ExportWindow) -> String {
        let date = CivilDate(daysSinceEpoch: window.start.floorDiv(86_400))
        let folder = String(format4: date.year) + "/" + String(format2: date.month) + "/" + String(format2: date.day)
        let name = "\(entity.rawValue)_\(window.compactStart)_\(window.compactEnd)"
        let path = "\(entity.rawValue)/\(folder)/\(name)"
        return prefix.isEmpty ? path : "\(prefix)/\(path)"
    }

    /// The key of a data object; `part` is nil when the export fits in one file.
    public func dataKey(entity: EntityType, window: ExportWindow, format: ExportFormat,
                        compression: CompressionSetting, part: Int? = nil) -> String {
        var key = stem(entity: entity, window: window)
        if let part { key += "_part-" + String(format4: Int64(part)) }
        return key + "." + format.fileExtension + format.fileSuffix(compression)
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
