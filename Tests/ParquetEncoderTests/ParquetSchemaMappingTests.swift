import ExporterCore
import ParquetEncoder
import ParquetWriter
import Testing

/// DESIGN §5a, type by type.
struct ParquetSchemaMappingTests {
    private func type(_ declared: SourceColumn.DeclaredType, special: Bool = false) -> ParquetColumnType {
        ParquetSchemaMapping.parquetType(for: SourceColumn(name: "c", type: declared, holdsSpecialValues: special))
    }

    @Test func plainTypes() {
        #expect(type(.text) == .string)
        #expect(type(.other) == .string)
        #expect(type(.integer) == .int64)
        #expect(type(.boolean) == .boolean)
        #expect(type(.timestamp) == .timestampMicrosUTC)
        // fastparquet reads a JSON-annotated column as parsed objects, not text.
        #expect(type(.json) == .string)
    }

    @Test func numericsAreDecimalsOnlyWhenTheDeclaredTypeFits() {
        #expect(type(.numeric(precision: 20, scale: 8)) == .decimal(precision: 20, scale: 8))
        #expect(type(.numeric(precision: 38, scale: 38)) == .decimal(precision: 38, scale: 38))
        #expect(type(.numeric(precision: 1, scale: 0)) == .decimal(precision: 1, scale: 0))
        #expect(type(.numeric(precision: 39, scale: 2)) == .string)
        #expect(type(.numeric(precision: 5, scale: -2)) == .string)
        #expect(type(.numeric(precision: 2, scale: 5)) == .string)
        #expect(type(.unconstrainedNumeric) == .string)
    }

    @Test func specialValuesMakeTheColumnText() {
        #expect(type(.numeric(precision: 20, scale: 8), special: true) == .string)
        #expect(type(.timestamp, special: true) == .string)
    }

    @Test func columnsKeepTheirOrderAndNames() {
        let columns = ParquetSchemaMapping.parquetColumns(for: [
            SourceColumn(name: "id", type: .text), SourceColumn(name: "total", type: .numeric(precision: 9, scale: 2)),
        ])
        #expect(columns == [ParquetColumn(name: "id", type: .string),
                            ParquetColumn(name: "total", type: .decimal(precision: 9, scale: 2))])
    }
}
