import ExporterCore
import Foundation

/// What `check` verifies in ClickHouse: that the server answers, accepts the credentials, and
/// holds each usage table with every column the export selects, in a type the exporter reads.
public struct ClickHouseSchemaCheck: Sendable {
    public let client: ClickHouseClient

    public init(client: ClickHouseClient) {
        self.client = client
    }

    /// One table's verdict.
    public struct TableCheck: Sendable, Hashable {
        public let entity: EntityType
        /// Nil when the table is there with every column; otherwise what is wrong.
        public let problem: String?
        /// Whether the table is missing (as opposed to present with a wrong column).
        public let missing: Bool
    }

    /// Reaches the server and authenticates (`SELECT 1`).
    /// - Throws: ``ClickHouseError`` (`authentication` for a refused user or password).
    public func reach() async throws {
        _ = try await client.text("SELECT 1 FORMAT TabSeparated")
    }

    /// Each of `entities`' tables and columns in the configured database (`system.columns`).
    public func verify(_ entities: [EntityType]) async throws -> [TableCheck] {
        var checks: [TableCheck] = []
        for entity in entities {
            let text = try await client.text(
                "SELECT name, type FROM system.columns WHERE database = {database:String} AND table = {table:String} FORMAT TabSeparated",
                parameters: [.init("database", client.url.database), .init("table", entity.table)])
            var declared: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                if fields.count == 2 { declared[String(fields[0])] = String(fields[1]) }
            }
            let table = "\(client.url.database).\(entity.table)"
            if declared.isEmpty {
                let hint = entity == .featureUsage ? " (FlexPrice keeps usage in meter_usage today; export meter_usage instead)" : ""
                checks.append(TableCheck(entity: entity, problem: "ClickHouse has no table \(table)\(hint)", missing: true))
                continue
            }
            var problems: [String] = []
            for column in entity.columns {
                guard let type = declared[column] else {
                    problems.append("no column \(column)")
                    continue
                }
                if ClickHouseColumnType(declaration: type) == nil { problems.append("column \(column) has type \(type), which the exporter cannot read") }
            }
            checks.append(TableCheck(entity: entity, problem: problems.isEmpty ? nil : "table \(table): " + problems.joined(separator: "; "),
                                     missing: false))
        }
        return checks
    }

    /// An entity's columns as ClickHouse declares them (`system.columns`), in export order and
    /// typed as an export declares them (``ClickHouseColumnType/declaredType(json:)``): what
    /// `flexprice-exporter schema` types a warehouse table with, so the table states the types
    /// of the Parquet files an export of the same table writes.
    /// - Throws: ``ExportError/database(_:)`` naming a missing table or column, or a type the exporter cannot read.
    public func declaredColumns(_ entity: EntityType) async throws -> [SourceColumn] {
        let text = try await client.text(
            "SELECT name, type FROM system.columns WHERE database = {database:String} AND table = {table:String} FORMAT TabSeparated",
            parameters: [.init("database", client.url.database), .init("table", entity.table)])
        var declared: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            if fields.count == 2 { declared[String(fields[0])] = String(fields[1]).replacingOccurrences(of: "\\'", with: "'") }
        }
        let table = "\(client.url.database).\(entity.table)"
        guard !declared.isEmpty else { throw ExportError.database("ClickHouse has no table \(table)") }
        return try entity.columns.map { name in
            guard let declaration = declared[name] else { throw ExportError.database("ClickHouse table \(table) has no column \(name)") }
            guard let type = ClickHouseColumnType(declaration: declaration) else {
                throw ExportError.database("column \(name) of ClickHouse table \(table) has type \(declaration), which the exporter cannot read")
            }
            let isString = type.kind == .string || { if case .fixedString = type.kind { true } else { false } }()
            return SourceColumn(name: name, type: type.declaredType(json: isString && ClickHouseQuery.jsonTextColumns.contains(name)),
                                typeName: declaration)
        }
    }
}
