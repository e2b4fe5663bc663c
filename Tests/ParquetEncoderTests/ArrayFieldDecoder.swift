import ExporterCore

/// Rows given as arrays of cells: a source without a database, for the encoder's own tests.
struct ArrayFieldDecoder: FieldDecoding {
    mutating func forEachField(of row: [FieldValue], _ body: (FieldValue) throws -> Void) throws {
        for value in row { try body(value) }
    }
}
