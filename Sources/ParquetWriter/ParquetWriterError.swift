/// Why a value or a file could not be written; each message names the column and what to fix.
public enum ParquetWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schema cannot be written (no columns, a bad decimal precision or scale, a duplicate name).
    case invalidSchema(String)
    /// A value of the wrong kind for the column (a programming error in the caller's mapping).
    case typeMismatch(column: String, expected: String, got: String)
    /// A row had more or fewer values than the schema has columns.
    case rowShape(expected: Int, got: Int)
    /// A decimal that does not fit DECIMAL(precision, scale), or text that is no decimal.
    case decimalNotRepresentable(column: String, precision: Int, scale: Int, reason: ParquetDecimal.TextError)
    /// One cell over the 2 GiB a page can hold.
    case valueTooLarge(column: String, bytes: Int)
    /// The injected page codec failed.
    case compressionFailed(codec: CompressionCodec, message: String)
    /// The writer was used after `finish()`.
    case finished
    /// A nested file's leaf column whose levels or values do not fit its schema path
    /// (``ParquetNestedFileWriter``): a programming error in the caller's shredding.
    case invalidLevels(column: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSchema(let reason):
            "invalid Parquet schema: \(reason)"
        case .typeMismatch(let column, let expected, let got):
            "Parquet column \(column) holds \(expected), was given \(got)"
        case .rowShape(let expected, let got):
            "a Parquet row needs \(expected) values, was given \(got)"
        case .decimalNotRepresentable(let column, let precision, let scale, let reason):
            "Parquet column \(column) is DECIMAL(\(precision),\(scale)); a value is \(reasonText(reason)): "
                + "export this column as text (numeric without a declared precision)"
        case .valueTooLarge(let column, let bytes):
            "Parquet column \(column) has a value of \(bytes) bytes, over the 2 GiB a page can hold"
        case .compressionFailed(let codec, let message):
            "Parquet page compression (\(codec)) failed: \(message)"
        case .finished:
            "the Parquet file was already finished"
        case .invalidLevels(let column, let reason):
            "Parquet column \(column): \(reason)"
        }
    }

    private func reasonText(_ reason: ParquetDecimal.TextError) -> String {
        switch reason {
        case .notADecimal: "not a finite decimal (NaN or Infinity)"
        case .tooManyFractionDigits: "more precise than the scale"
        case .outOfRange: "larger than the precision allows"
        }
    }
}
