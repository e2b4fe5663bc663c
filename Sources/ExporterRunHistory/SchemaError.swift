/// The exporter's own tables are not in the state a command needs (exit 78, a configuration
/// problem: the operator runs `migrate`, with a role that may create tables).
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `status` and `check` never change the schema: a table is missing, so `migrate` never ran.
    case missingTable(String)
    /// `run` or `sync` tried to apply a pending migration (or to read which are applied) and
    /// the role may not. `step` says what was refused: "applying migration 1 (create export_runs)".
    case migrationRefused(step: String, detail: String)
    /// A FlexPrice table the exporter's schema reads (the view `export_stream_status` reads
    /// `connections`) is not in the database: DATABASE_URL names another database.
    case flexpriceTableMissing(String)
    /// EXPORTER_FLEXPRICE_TASKS is on but FlexPrice's `tasks` table cannot take the runs
    /// (missing, lacking columns, or not writable by this role): the problem, in a sentence.
    case flexpriceTasksUnusable(String)
    /// EXPORTER_FLEXPRICE_SCHEDULED_TASKS is on but FlexPrice's `scheduled_tasks` table is not
    /// in the database.
    case flexpriceScheduledTasksMissing

    public var description: String {
        switch self {
        case .missingTable(let table):
            "\(table) does not exist: run `flexprice-exporter migrate`"
        case .migrationRefused(let step, let detail):
            "the exporter's tables could not be prepared: \(step) was refused (\(detail)): "
                + "run `flexprice-exporter migrate` with a role that may create tables"
        case .flexpriceTableMissing(let table):
            "FlexPrice's table \(table) does not exist in this database: DATABASE_URL must name FlexPrice's database"
        case .flexpriceTasksUnusable(let problem):
            "\(problem), and EXPORTER_FLEXPRICE_TASKS=true records every run there: DATABASE_URL must name FlexPrice's "
                + "database (its migrations create tasks) and the role may INSERT and UPDATE it and SELECT its id; "
                + "or set EXPORTER_FLEXPRICE_TASKS=false"
        case .flexpriceScheduledTasksMissing:
            "FlexPrice's table scheduled_tasks does not exist in this database, and EXPORTER_FLEXPRICE_SCHEDULED_TASKS=true "
                + "reads the exports from it: DATABASE_URL must name FlexPrice's database (a version with scheduled exports), "
                + "or set EXPORTER_FLEXPRICE_SCHEDULED_TASKS=false"
        }
    }
}
