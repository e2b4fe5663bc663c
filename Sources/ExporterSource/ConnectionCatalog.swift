import ExporterCore
import Logging
import ExporterDatabase

/// Reads the S3 connections FlexPrice stores in its `connections` table (DESIGN §2).
///
/// It returns every published `s3` connection with its JSON columns as text and decides
/// nothing: whether a connection is active, and whether its settings are readable, is judged per
/// connection by the engine, so a malformed row is reported rather than silently skipped.
public struct ConnectionCatalog: Sendable {
    private let client: DatabasePool
    private let logger: Logger

    public init(client: DatabasePool, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// All connections with `provider_type = 's3'` and `status = 'published'`, ordered by id;
    /// with `id`, only that one (whatever its state, so the caller can say why it is not exported).
    public func publishedS3Connections(id: String? = nil) async throws -> [ExportConnection] {
        let query: SQL
        if let id {
            query = """
                SELECT id, tenant_id, coalesce(environment_id, ''), name, sync_config::text, encrypted_secret_data::text,
                       (extract(epoch FROM updated_at) * 1000000)::bigint
                FROM connections WHERE provider_type = 's3' AND status = 'published' AND id = \(id)
                """
        } else {
            query = """
                SELECT id, tenant_id, coalesce(environment_id, ''), name, sync_config::text, encrypted_secret_data::text,
                       (extract(epoch FROM updated_at) * 1000000)::bigint
                FROM connections WHERE provider_type = 's3' AND status = 'published' ORDER BY id
                """
        }
        return try await ExportError.whileUsingDatabase("reading the connections table") {
            var connections: [ExportConnection] = []
            for row in try await client.query(query) {
                let (id, tenant, environment, name, syncConfig, secrets, updatedAt)
                    = try row.decode((String, String, String, String?, String?, String?, Int64?).self)
                connections.append(ExportConnection(
                    id: id, tenantID: tenant, environmentID: environment, name: name ?? "",
                    syncConfig: syncConfig, encryptedSecretData: secrets, updatedAtMicros: updatedAt))
            }
            return connections
        }
    }
}
