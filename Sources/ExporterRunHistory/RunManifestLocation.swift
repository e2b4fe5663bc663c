import ExporterCore
import ExporterDatabase
import Foundation

/// Where one run's objects are listed: its connection, status and manifest key
/// (`url --run ID`, DESIGN §7).
///
/// Only what the download links need, read by id; the run's other figures are `status`'s business.
public struct RunManifestLocation: Sendable, Hashable {
    public let runID: Int64
    public let connectionID: String
    /// `running`, `succeeded`, `failed` or `abandoned`.
    public let status: String
    /// The run's manifest, once it succeeded.
    public let manifestKey: String?
    public let errorCode: String?
    public let errorMessage: String?
}

extension RunHistory {
    /// The run with this id, or nil when there is none (it never existed, or history pruning removed it).
    public func manifestLocation(runID: Int64) async throws -> RunManifestLocation? {
        try await ExportError.whileUsingDatabase("reading export_runs") {
            let rows = try await client.query("""
                SELECT connection_id, status, manifest_key, error_code, error_message FROM export_runs WHERE id = \(runID)
                """)
            guard let row = rows.first else { return nil }
            let (connection, status, manifest, code, message) = try row.decode((String, String, String?, String?, String?).self)
            return RunManifestLocation(runID: runID, connectionID: connection, status: status, manifestKey: manifest,
                                       errorCode: code, errorMessage: message)
        }
    }
}
