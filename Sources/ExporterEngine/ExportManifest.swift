import ExporterCore
import Foundation

/// The manifest written after an export's data objects (DESIGN §5): what was exported and how
/// to check it. Its presence means every object it lists is complete. `url --run` reads it back
/// to list a run's objects.
struct ExportManifest: Codable {
    struct Object: Codable {
        let key: String
        let rows: Int64
        let bytes: Int64
        let sha256: String
    }

    struct Window: Codable {
        let start: String
        let end: String
    }

    var version = 1
    let runID: Int64
    let connectionID: String
    let tenantID: String
    let environmentID: String
    let entity: String
    let window: Window
    let format: String
    let compression: String
    let columns: [String]
    let rowCount: Int64
    let objects: [Object]

    enum CodingKeys: String, CodingKey {
        case version, window, format, compression, columns, objects, entity
        case runID = "run_id"
        case connectionID = "connection_id"
        case tenantID = "tenant_id"
        case environmentID = "environment_id"
        case rowCount = "row_count"
    }

    func encoded() throws -> Data {
        let encoder = Foundation.JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
