/// One leaf column of a nested file, already shredded (Dremel): a definition and a repetition
/// level per entry, and the present values.
///
/// Entry `i` has `definitionLevels[i]` and `repetitionLevels[i]`; a value is consumed for each
/// entry whose definition level is the leaf's maximum. A repetition level of 0 starts a new row.
/// When the leaf has no repeated ancestor, `repetitionLevels` may be left empty (all 0).
/// Spec: https://github.com/apache/parquet-format#nested-encoding
public struct ParquetLeafColumn: Sendable, Hashable {
    public var definitionLevels: [UInt8]
    public var repetitionLevels: [UInt8]
    public var values: ParquetLeafValues

    public init(definitionLevels: [UInt8], repetitionLevels: [UInt8] = [], values: ParquetLeafValues) {
        self.definitionLevels = definitionLevels
        self.repetitionLevels = repetitionLevels
        self.values = values
    }
}
