import ExporterCore
import ExporterDatabase

extension PostgresFieldDecoder: FieldDecoding {
    /// A row as PostgresNIO delivers it, cell by cell through ``decode(_:)``.
    public mutating func forEachField(of row: PostgresRow, _ body: (FieldValue) throws -> Void) throws {
        for cell in row {
            let value: FieldValue
            do {
                value = try decode(cell)
            } catch let error as UnsupportedValue {
                throw ExportError.database("\(error)")
            }
            try body(value)
        }
    }
}
