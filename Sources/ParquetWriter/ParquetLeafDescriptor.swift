/// A leaf column of a nested schema as the writer sees it: its path from the root, its type and
/// the highest definition and repetition levels its values can have.
///
/// ``ParquetNestedFileWriter/leaves`` lists them in schema order (depth first), the order the
/// caller hands over each leaf's ``ParquetLeafColumn``.
public struct ParquetLeafDescriptor: Sendable, Hashable {
    /// Field names from the top-level field down to the leaf (`["add", "partitionValues", "key_value", "key"]`).
    public var path: [String]
    public var type: ParquetLeafType
    /// The number of optional or repeated fields on the path, the leaf included: a value is
    /// present exactly when its definition level is this.
    public var maxDefinitionLevel: Int
    /// The number of repeated fields on the path.
    public var maxRepetitionLevel: Int

    public init(path: [String], type: ParquetLeafType, maxDefinitionLevel: Int, maxRepetitionLevel: Int) {
        self.path = path
        self.type = type
        self.maxDefinitionLevel = maxDefinitionLevel
        self.maxRepetitionLevel = maxRepetitionLevel
    }

    /// The path as Parquet tools print it: `add.partitionValues.key_value.key`.
    public var dottedPath: String { path.joined(separator: ".") }
}
