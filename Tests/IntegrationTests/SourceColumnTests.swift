import ExporterCore
import ExporterSource
import ExporterDatabase
import Testing

/// The declared types a typed export reads from PostgreSQL's catalog (DESIGN §5a), against a
/// database whose `invoices` table declares its columns in every way the reader must decode:
/// a numeric with a precision, without one, with PostgreSQL 15's negative scale and a scale
/// above its precision, a domain over numeric, and values (NaN, infinity) a typed column
/// cannot hold, which only the window holding them turns into text.
@Suite(TestServices.needsServices())
struct SourceColumnTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200)  // 2026-11-20

    func columns(_ services: Services, tenant: String, window: ExportWindow = Self.window) async throws -> [String: SourceColumn] {
        let source = EntitySource(client: services.postgres, logger: TestServices.logger)
        let query = EntityQuery(entity: .invoice, tenantID: tenant, environmentID: "", window: window)
        let seen = ColumnsSeen()
        var rows = 0
        try await source.read(query, probeSpecialValues: true, onColumns: { seen.columns = $0 }, onRow: { _ in },
                              afterBatch: { batch, _ in rows += batch })
        #expect(seen.columns.map(\.name) == EntityType.invoice.columns, "DESIGN §2 order")
        return Dictionary(uniqueKeysWithValues: seen.columns.map { ($0.name, $0) })
    }

    @Test func declaredTypesAndSpecialValues() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            for statement in [
                "CREATE DOMAIN money_amount AS numeric(12,2)",
                "ALTER TABLE invoices ALTER COLUMN amount_paid TYPE numeric",
                "ALTER TABLE invoices ALTER COLUMN amount_remaining TYPE money_amount",
                "ALTER TABLE invoices ALTER COLUMN subtotal TYPE numeric(5,-2)",
                "ALTER TABLE invoices ALTER COLUMN total TYPE numeric(2,5)",
                """
                INSERT INTO invoices (id, tenant_id, amount_due, finalized_at, updated_at) VALUES
                  ('in_1', 'plain', 1.5, '2026-11-20 10:00+00', '2026-11-20 10:00+00'),
                  ('in_2', 'special', 'NaN', 'infinity', '2026-11-20 11:00+00'),
                  ('in_3', 'special', 2, '2026-11-20 12:00+00', '2026-11-21 11:00+00')
                """,
            ] {
                try await services.execute(SQL(unsafeSQL: statement))
            }

            let plain = try await columns(services, tenant: "plain")
            #expect(plain["id"]?.type == .text)
            #expect(plain["metadata"]?.type == .json)
            #expect(plain["updated_at"]?.type == .timestamp)
            #expect(plain["amount_due"] == SourceColumn(name: "amount_due", type: .numeric(precision: 20, scale: 8), typeName: "numeric"))
            #expect(plain["amount_paid"]?.type == .unconstrainedNumeric)
            #expect(plain["amount_remaining"]?.type == .numeric(precision: 12, scale: 2), "a domain is its base type")
            #expect(plain["amount_remaining"]?.typeName == "numeric", "binary COPY sends a domain in its base type's format")
            #expect(plain["subtotal"]?.type == .numeric(precision: 5, scale: -2))
            #expect(plain["total"]?.type == .numeric(precision: 2, scale: 5))
            #expect(plain.values.filter(\.holdsSpecialValues).isEmpty)

            // NaN and infinity in the window: those two columns, in that window only.
            let special = try await columns(services, tenant: "special")
            #expect(special.values.filter(\.holdsSpecialValues).map(\.name).sorted() == ["amount_due", "finalized_at"])
            let nextDay = try await columns(services, tenant: "special",
                                            window: ExportWindow(start: Self.window.end, end: Self.window.end + 86_400))
            #expect(nextDay.values.filter(\.holdsSpecialValues).isEmpty)
        }
    }
}

/// Columns handed over by `read`'s callback, read after it returned.
private final class ColumnsSeen: @unchecked Sendable {
    var columns: [SourceColumn] = []
}
