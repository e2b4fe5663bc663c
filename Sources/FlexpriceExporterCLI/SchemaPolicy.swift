import ExporterRunHistory

/// What a command does about the exporter's own tables before it works (issue 11).
enum SchemaPolicy: Sendable {
    /// `run` and `sync`: apply pending migrations (idempotent, under the migrations' advisory
    /// lock); a role that may not gets "run `flexprice-exporter migrate`" (exit 78). With
    /// EXPORTER_FLEXPRICE_TASKS on, FlexPrice's `tasks` table must be there and writable too
    /// (exit 78 naming it), rather than every run failing on it.
    case migrate
    /// `status`, `check` and dry runs change nothing: a missing table gets
    /// "export_runs does not exist: run `flexprice-exporter migrate`" (exit 78).
    case verify

    func apply(_ history: RunHistory) async throws {
        switch self {
        case .migrate:
            try await history.migrations.run()
            try await history.verifyFlexpriceTasks()
        case .verify: try await history.migrations.verify()
        }
    }
}
