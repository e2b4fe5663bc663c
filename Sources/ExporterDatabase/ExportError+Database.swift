import ExporterCore

extension ExportError {
    /// Runs `body`; a failure becomes ``ExportError/database(_:)`` saying what was being done:
    /// `"<what> failed: <reason>"`, the reason secret-free (``DatabaseError`` scrubs its own).
    /// A cancellation stays a `CancellationError`, so a stopping exporter records `shutdown`.
    public static func whileUsingDatabase<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as ExportError {
            throw ExportError.database("\(what) failed: \(error.message)")
        } catch {
            throw ExportError.database("\(what) failed: \(error)")
        }
    }
}
