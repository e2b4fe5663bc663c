@testable import ParquetWriter
import Testing

/// DECIMAL: physical type by precision, 16-byte big-endian two's complement, and the text parser
/// the exporter feeds PostgreSQL's numeric text through.
struct ParquetDecimalTests {
    @Test func physicalTypeByPrecision() {
        #expect(ParquetDecimal.physicalType(precision: 9) == .int32)
        #expect(ParquetDecimal.physicalType(precision: 10) == .int64)
        #expect(ParquetDecimal.physicalType(precision: 18) == .int64)
        #expect(ParquetDecimal.physicalType(precision: 19) == .fixedLenByteArray)
    }

    @Test func bigEndianTwosComplement() {
        #expect(ParquetDecimal.bigEndianBytes(0) == [UInt8](repeating: 0, count: 16))
        #expect(ParquetDecimal.bigEndianBytes(-1) == [UInt8](repeating: 0xFF, count: 16))
        #expect(ParquetDecimal.bigEndianBytes(-12345) == hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFCFC7"))
        let max38 = ParquetDecimal.maxUnscaled(precision: 38)
        #expect(ParquetDecimal.bigEndianBytes(max38) == hex("4B3B4CA85A86C47A098A223FFFFFFFFF"))
        #expect(ParquetDecimal.bigEndianBytes(-max38) == hex("B4C4B357A5793B85F675DDC000000001"))
    }

    @Test func parsesTextAtTheColumnScale() throws {
        #expect(try ParquetDecimal.unscaled("-1234.5", precision: 10, scale: 2) == -123_450)
        #expect(try ParquetDecimal.unscaled("0", precision: 5, scale: 3) == 0)
        #expect(try ParquetDecimal.unscaled("-0.000", precision: 5, scale: 3) == 0)
        #expect(try ParquetDecimal.unscaled("+7", precision: 1, scale: 0) == 7)
        #expect(try ParquetDecimal.unscaled("1.2300", precision: 5, scale: 2) == 123)
        let nines = String(repeating: "9", count: 28) + "." + String(repeating: "9", count: 10)
        #expect(try ParquetDecimal.unscaled(nines, precision: 38, scale: 10) == ParquetDecimal.maxUnscaled(precision: 38))
        #expect(try ParquetDecimal.unscaled("-" + nines, precision: 38, scale: 10) == -ParquetDecimal.maxUnscaled(precision: 38))
    }

    @Test func rejectsWhatDoesNotFit() throws {
        #expect(throws: ParquetDecimal.TextError.notADecimal) { try ParquetDecimal.unscaled("NaN", precision: 10, scale: 2) }
        #expect(throws: ParquetDecimal.TextError.notADecimal) { try ParquetDecimal.unscaled("Infinity", precision: 10, scale: 2) }
        #expect(throws: ParquetDecimal.TextError.notADecimal) { try ParquetDecimal.unscaled("", precision: 10, scale: 2) }
        #expect(throws: ParquetDecimal.TextError.notADecimal) { try ParquetDecimal.unscaled("1e5", precision: 10, scale: 2) }
        #expect(throws: ParquetDecimal.TextError.notADecimal) { try ParquetDecimal.unscaled("1.2.3", precision: 10, scale: 2) }
        #expect(throws: ParquetDecimal.TextError.tooManyFractionDigits) { try ParquetDecimal.unscaled("1.234", precision: 10, scale: 2) }
        #expect(throws: ParquetDecimal.TextError.outOfRange) { try ParquetDecimal.unscaled("1000", precision: 5, scale: 2) }
        let forty = String(repeating: "9", count: 40)
        #expect(throws: ParquetDecimal.TextError.outOfRange) { try ParquetDecimal.unscaled(forty, precision: 38, scale: 0) }
        // Past Int128.max on the way: wrapping arithmetic once accepted these as wrong values
        // (-2.08e37, 4 and 0.4).
        let thirtyNine = String(repeating: "9", count: 39)
        #expect(throws: ParquetDecimal.TextError.outOfRange) { try ParquetDecimal.unscaled(thirtyNine, precision: 38, scale: 0) }
        #expect(throws: ParquetDecimal.TextError.outOfRange) {
            try ParquetDecimal.unscaled("340282366920938463463374607431768211460", precision: 38, scale: 0)
        }
        #expect(throws: ParquetDecimal.TextError.outOfRange) {
            try ParquetDecimal.unscaled("34028236692093846346337460743176821146", precision: 38, scale: 1)
        }
        // The largest value of DECIMAL(38, 0) and its negative still fit.
        let max38 = String(repeating: "9", count: 38)
        #expect(try ParquetDecimal.unscaled(max38, precision: 38, scale: 0) == Int128(max38))
        #expect(try ParquetDecimal.unscaled("-" + max38, precision: 38, scale: 0) == -(Int128(max38) ?? 0))
    }
}
