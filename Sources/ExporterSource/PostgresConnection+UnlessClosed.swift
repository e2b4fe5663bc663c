import ExporterCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs `query`, and fails instead of waiting forever when the connection is or becomes closed.
    ///
    /// PostgresNIO (1.33.2) writes a query into its channel without a write promise. Once the
    /// server has closed the connection (a restart, a failover, `pg_terminate_backend`) and the
    /// channel's handlers are gone, that write is dropped and the query's future never completes,
    /// and task cancellation cannot reach it. An export idle between two FETCH batches while the
    /// database restarts would then hang with its run left `running`. Racing the query against
    /// the channel's close future turns that into an error the run records.
    ///
    /// - Parameter onRow: called for each row, on the connection's event loop.
    public func queryUnlessClosed(
        _ query: PostgresQuery,
        logger: Logger,
        onRow: @escaping @Sendable (PostgresRow) throws -> Void = { _ in }
    ) async throws -> PostgresQueryMetadata {
        if isClosed { throw Self.closedError }
        let eventLoop = self.eventLoop
        let outcome = eventLoop.makePromise(of: PostgresQueryMetadata.self)
        eventLoop.execute {
            // Both callbacks below run on this event loop, so the box needs no lock.
            let settled = NIOLoopBoundBox(false, eventLoop: eventLoop)
            self.query(query, logger: logger, onRow).hop(to: eventLoop).whenComplete { result in
                guard !settled.value else { return }
                settled.value = true
                outcome.completeWith(result)
            }
            self.closeFuture.hop(to: eventLoop).whenComplete { _ in
                // One more turn of the loop: a query the handler still held has been failed with
                // the server's own reason by now, which says more than "closed".
                eventLoop.execute {
                    guard !settled.value else { return }
                    settled.value = true
                    outcome.fail(Self.closedError)
                }
            }
        }
        do {
            return try await outcome.futureResult.get()
        } catch let error as PSQLError where error.serverInfo == nil
            && [.serverClosedConnection, .clientClosedConnection, .connectionError].contains(error.code) {
            // The connection went away under the query (a server's own FATAL message, which
            // says why, comes with serverInfo and is kept).
            throw Self.closedError
        }
    }

    private static var closedError: ExportError {
        .database("the database closed the connection during the export (a restart or failover)")
    }
}
