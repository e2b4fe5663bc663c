/// One field's value in a checkpoint row, before shredding: a tree that mirrors the checkpoint's
/// Parquet schema (``DeltaCheckpointSchema``) position by position.
///
/// A struct's fields are given in schema order (``group(_:)``); a repeated field's occurrences as
/// ``repeated(_:)``. Maps and lists are the standard three-level groups, built by ``map(_:)`` and
/// ``list(_:)``.
indirect enum CheckpointValue: Sendable, Hashable {
    case null
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case boolean(Bool)
    /// A struct: one value per child field, in schema order.
    case group([CheckpointValue])
    /// The occurrences of a repeated field (none: an empty map or list).
    case repeated([CheckpointValue])

    /// A map of text (`key_value` entries sorted by key, so a checkpoint's bytes depend on the
    /// map's contents alone); NULL values stay NULL.
    static func map(_ entries: [String: String?]) -> Self {
        .group([.repeated(entries.keys.sorted().map { key in
            .group([.string(key), text(entries[key] ?? nil)])
        })])
    }

    /// NULL for `nil`, else ``map(_:)``.
    static func optionalMap(_ entries: [String: String?]?) -> Self {
        entries.map { map($0) } ?? .null
    }

    /// A list of text, in order.
    static func list(_ elements: [String]) -> Self {
        .group([.repeated(elements.map { .group([.string($0)]) })])
    }

    /// NULL for `nil`, else ``list(_:)``.
    static func optionalList(_ elements: [String]?) -> Self {
        elements.map { list($0) } ?? .null
    }

    /// NULL for `nil`, else the value.
    static func text(_ value: String?) -> Self { value.map(CheckpointValue.string) ?? .null }
    static func long(_ value: Int64?) -> Self { value.map(CheckpointValue.int64) ?? .null }
    static func flag(_ value: Bool?) -> Self { value.map(CheckpointValue.boolean) ?? .null }
}
