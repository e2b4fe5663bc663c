import ExporterRunHistory

/// What a command does about the exporter's own tables before it works (issue 11).
enum SchemaPolicy: Sendable {
    /// `run` and `sync`: apply pending migrations (idempotent, under the migrations' advisory
    /// lock); a role that may not gets "run `flexprice-exporter migrate`" (exit 78).
    case migrate
    /// `status`, `check` and dry runs change nothing: a missing table gets
    /// "export_runs does not exist: run `flexprice-exporter migrate`" (exit 78).
    case verify

    func apply(_ migrations: Migrations) async throws {
        switch self {
        case .migrate: try await migrations.run()
        case .verify: try await migrations.verify()
        }
    }
}
