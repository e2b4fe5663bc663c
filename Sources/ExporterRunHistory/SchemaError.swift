/// The exporter's own tables are not in the state a command needs (exit 78, a configuration
/// problem: the operator runs `migrate`, with a role that may create tables).
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `status` and `check` never change the schema: a table is missing, so `migrate` never ran.
    case missingTable(String)
    /// `run` or `sync` tried to apply a pending migration and the role may not.
    case migrationRefused(step: String, detail: String)

    public var description: String {
        switch self {
        case .missingTable(let table):
            "\(table) does not exist: run `flexprice-exporter migrate`"
        case .migrationRefused(let step, let detail):
            "the exporter's tables need \(step), which this database role may not apply (\(detail)): "
                + "run `flexprice-exporter migrate` with a role that may create tables"
        }
    }
}
