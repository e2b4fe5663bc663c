import ExporterCore
import ExporterDatabase

/// An entity's columns as PostgreSQL declares them, outside any export: what
/// `flexprice-exporter schema` types a warehouse table with, so the table states the same types
/// as the Parquet files an export writes now (DESIGN §5a), read by the same ``SourceColumnReader``.
public enum DeclaredColumns {
    public static func read(_ entity: EntityType, from client: DatabasePool) async throws -> [SourceColumn] {
        // The reader's probe for NaN/±infinity is off, so the query's scope and window are unused.
        let query = EntityQuery(entity: entity, tenantID: "", environmentID: "", window: ExportWindow(start: 0, end: 86_400))
        return try await client.transaction("BEGIN READ ONLY") { connection in
            try await SourceColumnReader(query: query, probeSpecialValues: false).read(on: connection)
        }
    }
}
