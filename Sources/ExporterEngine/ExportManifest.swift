import ExporterCore
import ExporterSink
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
        /// The checksum the store verified on upload and reported when the exporter confirmed
        /// the object (HeadObject), as S3 names and writes it: `SHA256`, `FULL_OBJECT` or
        /// `COMPOSITE`, base64 (a composite one ending `-N`). Absent when the store reports none.
        var checksumAlgorithm: String?
        var checksumType: String?
        var checksum: String?

        enum CodingKeys: String, CodingKey {
            case key, rows, bytes, sha256, checksum
            case checksumAlgorithm = "checksum_algorithm"
            case checksumType = "checksum_type"
        }

        init(key: String, rows: Int64, bytes: Int64, sha256: String, checksum: StoreChecksum? = nil) {
            self.key = key
            self.rows = rows
            self.bytes = bytes
            self.sha256 = sha256
            checksumAlgorithm = checksum?.algorithm
            checksumType = checksum?.type.rawValue
            self.checksum = checksum?.value
        }

        init(_ stored: StoredObject, rows: Int64) {
            self.init(key: stored.key, rows: rows, bytes: stored.bytes, sha256: stored.sha256, checksum: stored.checksum)
        }
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
