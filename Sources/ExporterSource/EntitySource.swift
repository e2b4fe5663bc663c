import ExporterCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Streams an entity's rows out of PostgreSQL in bounded batches.
///
/// The rows of one export are read through a server-side cursor inside one REPEATABLE READ,
/// READ ONLY transaction: one snapshot for the whole window, an order on a unique key, and
/// `FETCH n` batches so memory is bounded by the batch, not the window. Each batch's rows are
/// handed to `onRow` on the connection's event loop (PostgresNIO's callback API): DESIGN §1
/// measured a thread hop per row (the async row sequence) at 5x slower. Between batches,
/// `afterBatch` runs in the calling task, where the encoded bytes are compressed and uploaded;
/// the next FETCH waits for it, which is the back-pressure.
public struct EntitySource: Sendable {
    private let client: DatabasePool
    private let logger: Logger

    public init(client: DatabasePool, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Reads every row of `query`.
    /// - Parameters:
    ///   - batchSize: rows per FETCH.
    ///   - onColumns: when given, called before the first row with the columns' declared types
    ///     (``SourceColumn``), read in the same snapshot as the rows (a typed format needs them).
    ///   - onRow: called for each row, on the event loop, in order.
    ///   - afterBatch: called after each FETCH with its row count (also after the last, empty one).
    nonisolated(nonsending) public func read(
        _ query: EntityQuery,
        batchSize: Int = ExporterSettings.defaultFetchRows,
        onColumns: (([SourceColumn]) throws -> Void)? = nil,
        onRow: @escaping @Sendable (PostgresRow) throws -> Void,
        afterBatch: (Int) async throws -> Void
    ) async throws {
        try await client.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger) { connection in
            if let onColumns {
                try onColumns(try await SourceColumnReader(query: query, logger: logger).read(on: connection))
            }
            _ = try await connection.queryUnlessClosed(query.query("DECLARE export_rows NO SCROLL CURSOR FOR "), logger: logger)
            let fetch = PostgresQuery(unsafeSQL: "FETCH FORWARD \(batchSize) FROM export_rows")
            while true {
                let metadata = try await connection.queryUnlessClosed(fetch, logger: logger, onRow: onRow)
                let rows = metadata.rows ?? 0
                try await afterBatch(rows)
                if rows < batchSize { break }
            }
        }
    }

    /// How many rows `query` would export (for `sync --dry-run`).
    public func count(_ query: EntityQuery) async throws -> Int64 {
        let sql = query.query("SELECT count(*)::bigint FROM (", suffix: ") AS rows")
        return try await client.rows(sql, logger: logger).first?.decode(Int64.self) ?? 0
    }
}
