import DeltaLake
import ExporterCore
import ExporterRunHistory

extension ExportEngine {
    /// `vacuum`: for each Delta stream (of one connection, or of every published s3 connection with
    /// `table_format: delta`), deletes the files its table removed more than `retentionHours` ago
    /// and files of runs that died before their commit once they are as old. A connection whose
    /// settings or credentials cannot be read, or whose table cannot be read, is reported in the
    /// result and the others go on.
    public func vacuumDeltaTables(connectionID: String?, entities: [EntityType]? = nil, retentionHours: Int,
                                  dryRun: Bool) async throws -> [Result<DeltaVacuumReport, ExportError>] {
        var results: [Result<DeltaVacuumReport, ExportError>] = []
        for connection in try await connections(connectionID) {
            let settings: ConnectionSettings
            do {
                settings = try connection.settings()
            } catch {
                // Only a Delta connection's problem is this command's to report.
                if connectionID != nil { results.append(.failure(Self.exportError(error, connection: connection.id))) }
                continue
            }
            guard settings.isDelta else {
                if connectionID != nil {
                    results.append(.failure(.config(connection: connection.id, field: "s3.table_format",
                                                    problem: "is not delta, so the connection has no Delta table to vacuum")))
                }
                continue
            }
            do {
                let sink = try makeSink(settings, try connection.credentials(using: secretBox))
                for entity in entities ?? settings.entityTypes {
                    let root = settings.keyLayout.tableRoot(entity: entity)
                    let stream = ExportStream(connectionID: connection.id, entity: entity)
                    let writer = DeltaTableWriter(
                        sink: sink, history: history,
                        table: DeltaTableRecord(endpoint: settings.endpointURL, bucket: settings.bucket, root: root, stream: stream),
                        root: root, logger: logger)
                    do {
                        results.append(.success(try await writer.vacuum(retentionHours: retentionHours, dryRun: dryRun)))
                    } catch {
                        results.append(.failure(Self.exportError(error, connection: connection.id, entity: entity)))
                    }
                }
            } catch {
                results.append(.failure(Self.exportError(error, connection: connection.id)))
            }
        }
        return results
    }

    static func exportError(_ error: any Error, connection: String, entity: EntityType? = nil) -> ExportError {
        let context = "connection \(connection)" + (entity.map { ", entity \($0.rawValue)" } ?? "")
        switch error {
        case let error as ExportError:
            if case .delta(let message) = error { return .delta("\(context): \(message)") }
            return error.naming(connection: connection)
        case let error as DeltaLogError: return .delta("\(context): \(error)")
        default: return .internal("\(context): \(error)")
        }
    }
}
