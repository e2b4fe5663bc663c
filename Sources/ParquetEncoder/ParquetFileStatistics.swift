import ExporterCore
import ParquetWriter

/// A Parquet file's statistics as Delta wants them per data file (``FileStatistics``, an `add`
/// action's `stats`): the writer's file-level statistics (``ParquetFileWriter/fileStatistics``,
/// every row group merged) read back from their PLAIN bytes into typed values by the column's
/// ``ParquetColumnType``.
///
/// Every bound written is a true bound: where a value cannot be given exactly in Delta's form it
/// is widened outward (timestamps) or cut to a prefix (a string minimum), and where neither keeps
/// it true it is left out (a string maximum that is long or truncated, booleans). Leaving a bound
/// out only costs skipping; a wrong one would make a reader skip a file holding matching rows.
/// Spec: https://github.com/delta-io/delta/blob/master/PROTOCOL.md#per-file-statistics
public enum ParquetFileStatistics {
    /// Characters (Unicode scalars) of a string a bound keeps: Delta's own writers cut string
    /// statistics to a 32-character prefix (`delta.dataSkippingStringPrefixLength`).
    public static let stringPrefixCharacters = 32

    /// The statistics of a file of `columns`, from the writer's per-column `statistics` (schema
    /// order) and its row count. `numRecords` is the file's rows.
    public static func fileStatistics(
        columns: [ParquetColumn], statistics: [Statistics], numRecords: Int64
    ) -> FileStatistics {
        let merged = zip(columns, statistics).map { column(of: $0.0, statistics: $0.1) }
        return FileStatistics(numRecords: numRecords, columns: merged)
    }

    /// The finished file of `writer` (after its `finish()`).
    public static func fileStatistics(of writer: ParquetFileWriter) -> FileStatistics {
        fileStatistics(columns: writer.columns, statistics: writer.fileStatistics, numRecords: writer.rowCount)
    }

    /// One column: its NULL count always; bounds by type as the cases below say, and none for a
    /// column with only NULLs (no `min_value`/`max_value`).
    public static func column(of column: ParquetColumn, statistics: Statistics) -> FileStatistics.Column {
        var out = FileStatistics.Column(name: column.name, nullCount: statistics.nullCount ?? 0)
        guard let minBytes = statistics.minValue, let maxBytes = statistics.maxValue else { return out }
        switch column.type {
        case .int64:
            // int64 → a JSON number, the integer's decimal digits.
            out.min = int64(minBytes).map { .number(String($0)) }
            out.max = int64(maxBytes).map { .number(String($0)) }
        case .decimal(let precision, let scale):
            // decimal(p,s) → a JSON number, exact, with `s` fraction digits ("12.50", "-0.05"):
            // the unscaled value from INT32/INT64 little-endian or FIXED_LEN_BYTE_ARRAY(16)
            // big-endian two's complement, as the physical type for `p` stores it.
            let physical = ParquetDecimal.physicalType(precision: precision)
            out.min = unscaledDecimal(minBytes, physical: physical).map { .number(decimalText(unscaled: $0, scale: scale)) }
            out.max = unscaledDecimal(maxBytes, physical: physical).map { .number(decimalText(unscaled: $0, scale: scale)) }
        case .timestampMicrosUTC:
            // timestamp → a string `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC). Delta's timestamp statistics
            // have milliseconds while the column has microseconds: the minimum is rounded down
            // and the maximum up to the millisecond, so each stays a true bound (rounding the
            // maximum down could put it below the file's latest row, and a reader asking for
            // rows after it would skip a file that holds one).
            out.min = int64(minBytes).flatMap { timestampText(micros: $0, roundingUp: false) }.map { .string($0) }
            out.max = int64(maxBytes).flatMap { timestampText(micros: $0, roundingUp: true) }.map { .string($0) }
        case .string, .json:
            // string/json → a string. The minimum: the value (exact or already truncated by the
            // writer, a prefix either way) cut to its first 32 characters, still a lower bound.
            // The maximum: only when exact and at most 32 characters; a cut maximum would sort
            // below the longer values it stands for, so it is no upper bound and is left out.
            out.min = stringMin(minBytes).map { .string($0) }
            if statistics.isMaxValueExact == true { out.max = stringMax(maxBytes).map { .string($0) } }
        case .boolean:
            // boolean → no bounds (Delta skips no file on them): NULL count only.
            break
        }
        return out
    }

    // MARK: Values

    /// An INT64's PLAIN bytes (8, little-endian).
    static func int64(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count == 8 else { return nil }
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return Int64(bitPattern: value)
    }

    /// An INT32's PLAIN bytes (4, little-endian).
    static func int32(_ bytes: [UInt8]) -> Int32? {
        guard bytes.count == 4 else { return nil }
        var value: UInt32 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt32(byte) << (8 * UInt32(index)) }
        return Int32(bitPattern: value)
    }

    /// A decimal's unscaled value from its PLAIN bytes in `physical`.
    static func unscaledDecimal(_ bytes: [UInt8], physical: ParquetPhysicalType) -> Int128? {
        switch physical {
        case .int32: return int32(bytes).map { Int128($0) }
        case .int64: return int64(bytes).map { Int128($0) }
        case .fixedLenByteArray:
            guard bytes.count == 16 else { return nil }
            var value: UInt128 = 0
            for byte in bytes { value = value << 8 | UInt128(byte) }
            return Int128(bitPattern: value)
        default: return nil
        }
    }

    /// The exact decimal text of `unscaled` × 10^-scale: `-` for negatives, at least one integer
    /// digit, and exactly `scale` fraction digits (none, and no point, for scale 0): `12.50`,
    /// `-0.05`, `0`.
    public static func decimalText(unscaled: Int128, scale: Int) -> String {
        let digits = String(unscaled.magnitude)
        let sign = unscaled < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = digits.count > scale ? digits : String(repeating: "0", count: scale + 1 - digits.count) + digits
        let point = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<point] + "." + padded[point...]
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` of a UTC instant in microseconds, rounded down to the
    /// millisecond, or up when `roundingUp`. nil outside years 0001-9999, which the form cannot
    /// write (the bound is then left out).
    public static func timestampText(micros: Int64, roundingUp: Bool) -> String? {
        var millis = floorDivide(micros, 1_000)
        if roundingUp && millis * 1_000 != micros { millis += 1 }
        let seconds = floorDivide(millis, 1_000)
        let milliOfSecond = millis - seconds * 1_000
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        guard (1...9_999).contains(date.year) else { return nil }
        return padded(date.year, 4) + "-" + padded(date.month, 2) + "-" + padded(date.day, 2)
            + "T" + padded(secondOfDay / 3_600, 2) + ":" + padded(secondOfDay % 3_600 / 60, 2)
            + ":" + padded(secondOfDay % 60, 2) + "." + padded(milliOfSecond, 3) + "Z"
    }

    /// The lower bound of a string column: its first 32 characters (all of it when shorter); nil
    /// when the bytes are not UTF-8.
    static func stringMin(_ bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let scalars = text.unicodeScalars
        guard scalars.count > stringPrefixCharacters else { return text }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: scalars.prefix(stringPrefixCharacters))
        return String(prefix)
    }

    /// The upper bound of a string column from an exact maximum: itself when at most 32
    /// characters, else nil.
    static func stringMax(_ bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self),
              text.unicodeScalars.count <= stringPrefixCharacters else { return nil }
        return text
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
