import ExporterCore
import TestSupport

/// Rows given as arrays of cells: a source without a database, for the encoder's own tests.
struct ArrayFieldDecoder: FieldDecoding {
    mutating func forEachField(of row: [TestCell], _ body: (FieldValue) throws -> Void) throws {
        for cell in row { try cell.withValue(body) }
    }
}
