import ExporterCore
import ExporterEngine
import Foundation
import Testing

/// Every entity in every format: the exported fields equal PostgreSQL's, column by column, for
/// rows holding the awkward values (NULL, quotes, newlines, unicode, exact numerics, nested jsonb,
/// booleans, integers), and rows of other tenants, environments and windows stay out.
@Suite(TestServices.needsServices())
struct EntityExportTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    /// Inserts two in-window rows and three out-of-scope rows into the table DESIGN §2 names.
    /// Another timestamp column (the decoy) is set the other way round, out of the window for the
    /// rows in it and inside it for the row before, so filtering on the wrong column fails.
    func seed(_ services: Services, _ entity: EntityType, tenant: String, environment: String) async throws {
        let design = DesignEntityTable.of(entity)
        try #require(!design.table.isEmpty, "DESIGN §2 has no row for \(entity.rawValue)")
        let table = design.table
        let windowColumn = "\"\(design.windowColumn)\""
        let decoy = design.windowColumn == "timestamp" ? "ingested_at" : "created_at"
        let (decoyOut, decoyIn) = ("'2026-11-01T00:00:00Z'", "'2026-11-20T06:00:00Z'")
        // Columns every table has, plus the entity's awkward ones.
        let extra: (columns: String, first: String, second: String) = switch entity {
        case .featureUsage:
            ("qty_total, properties, event_name, period_id",
             "123456789012345678901234567890.000000000000001, '{\"a\": {\"b\": [1, \"x, y\"]}}', 'say \"hi\"', 42",
             "-0.5, NULL, '', NULL")
        case .customer:
            ("name, email, address_line1, address_country, metadata",
             "'Zürich ☕ \"GmbH\", AG', 'a@b.c', 'line1' || chr(10) || 'line2', 'CH', '{\"tier\": \"gold\"}'",
             "NULL, '', NULL, NULL, '{}'")
        case .invoice:
            ("invoice_number, currency, amount_due, amount_paid, total, due_date, billing_period, metadata",
             "'INV-001', 'usd', 1234567890.12345678, 0, 99999999999.99999999, '2026-12-20T00:00:00.5Z', 'MONTHLY', '{\"po\": \"x\\\\ny\"}'",
             "NULL, 'eur', NULL, -1.5, 0.00000001, NULL, NULL, NULL")
        case .price:
            ("amount, currency, billing_period_count, tiers, description",
             "0.000000000000001, 'usd', 3, '[{\"up_to\": 100, \"unit_amount\": \"0.5\"}, {\"up_to\": null}]', 'per call, \"API\"'",
             "100, 'inr', NULL, NULL, NULL")
        case .subscription:
            ("customer_id, plan_id, cancel_at_period_end, billing_period_count, start_date, trial_end",
             "'cust_1', 'plan_1', true, 12, '2026-01-01T00:00:00Z', '2026-02-01T12:30:00.000001Z'",
             "'cust_2', NULL, false, NULL, '2026-11-20T00:00:00Z', NULL")
        case .creditNote:
            ("invoice_id, credit_note_number, total_amount, memo, metadata",
             "'inv_1', 'CN-1', 10.50, 'refund' || chr(13) || chr(10) || 'for \"error\"', '{\"n\": 1.5e3}'",
             "'inv_2', 'CN-2', 0, NULL, NULL")
        case .meterUsage, .events, .creditTopups:
            // ClickHouse's tables: ClickHouseExportTests seeds and checks them; credit_topups (a
            // join of three tables): FlexpriceScheduledTaskTests.
            throw NotInPostgres(entity: entity)
        }
        func row(_ id: String, _ t: String, _ e: String, _ at: String, _ decoyAt: String, _ values: String) -> String {
            "('\(id)', '\(t)', '\(e)', '\(at)', \(decoyAt), \(values))"
        }
        let rows = [
            row("\(tenant)-1", tenant, environment, "2026-11-20T00:00:00Z", decoyOut, extra.first),
            row("\(tenant)-2", tenant, environment, "2026-11-20T23:59:59.999999Z", decoyOut, extra.second),
            row("\(tenant)-before", tenant, environment, "2026-11-19T23:59:59.999999Z", decoyIn, extra.second),
            row("\(tenant)-other-env", tenant, environment + "x", "2026-11-20T12:00:00Z", decoyIn, extra.second),
            row("\(tenant)-other-tenant", tenant + "x", environment, "2026-11-20T12:00:00Z", decoyIn, extra.second),
        ]
        try await services.execute(.init(unsafeSQL: """
            INSERT INTO \(table) (id, tenant_id, environment_id, \(windowColumn), \(decoy), \(extra.columns)) VALUES \(rows.joined(separator: ", "))
            """))
    }

    @Test(arguments: EntityType.inPostgres, [ExportFormat.csv, .json, .ndjson])
    func entityExportEqualsTheDatabase(entity: EntityType, format: ExportFormat) async throws {
        try await TestServices.with { services in
            let environment = "env"
            let c = try await services.newConnection(
                environment: environment, syncConfig: { Services.syncConfig(bucket: $0, format: format, entities: [entity]) },
                seed: { try await seed(services, entity, tenant: $0, environment: environment) })
            let (tenant, bucket, connection) = (c.tenant, c.bucket, c.id)
            let reports = try await services.engine().exportWindow(Self.window, connectionID: connection, entities: nil)
            #expect(reports.count == 1)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")

            let key = "exports/test/\(entity.rawValue)/2026/11/20/\(entity.rawValue)_20261120T000000Z_20261121T000000Z.\(format.rawValue).gz"
            let object = try await services.fetch(bucket: bucket, key: key, gzip: true)
            let expected = try await services.expectedRows(entity, tenant: tenant, environment: environment, window: Self.window)
            #expect(expected.count == 2)
            let actual = try expectFile(object.text, format: format, entity: entity, toEqual: expected)
            #expect(actual.map { $0["id"] ?? nil } == [tenant + "-1", tenant + "-2"])
            let run = try #require(try await services.runs(connection: connection).first)
            #expect(run.entity == entity.rawValue)
            #expect(run.rowCount == 2)
        }
    }
}

/// An entity this one-table PostgreSQL fixture does not seed (ClickHouse's, or a join).
struct NotInPostgres: Error {
    let entity: EntityType
}

extension EntityType {
    /// The one-table entities the PostgreSQL fixture holds (`feature_usage` as the fallback
    /// table); credit_topups, a join, has tests of its own.
    static var inPostgres: [EntityType] { allCases.filter { !$0.isClickHouseOnly && $0 != .creditTopups } }
}
