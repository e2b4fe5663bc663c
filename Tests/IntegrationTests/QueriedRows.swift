import ExporterSource
import Logging
import PostgresNIO

extension DatabasePool {
    /// The tests' shorthand for reading rows the way PostgresNIO's row sequence reads them:
    /// `for try await x in try await pool.query(...).decode(T.self)`.
    func query(_ query: PostgresQuery, logger: Logger) async throws -> QueriedRows {
        QueriedRows(rows: try await rows(query, logger: logger))
    }
}

/// Rows already read, iterated as an async sequence.
struct QueriedRows: AsyncSequence {
    typealias Element = PostgresRow
    let rows: [PostgresRow]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: IndexingIterator<[PostgresRow]>
        mutating func next() async throws -> PostgresRow? { remaining.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: rows.makeIterator()) }

    func decode<each Column: PostgresDecodable & Sendable>(_ type: (repeat each Column).Type) -> AsyncThrowingStream<(repeat each Column), any Error> {
        AsyncThrowingStream { continuation in
            do {
                for row in rows { continuation.yield(try row.decode(type)) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }
}
