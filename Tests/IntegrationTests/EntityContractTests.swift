import ExporterClickHouse
import ExporterCore
import ExporterSource
import Testing

/// The exporter's entities against DESIGN §2 written out literally (``DesignEntityTable``): the
/// set of entities, each one's table, window column and columns in order, and the SELECT that
/// ``EntityQuery`` sends. Needs no services, so it runs everywhere.
struct EntityContractTests {
    @Test func theExporterKnowsExactlyDesignsEntities() {
        #expect(EntityType.allCases.map(\.rawValue) == (DesignEntityTable.all + DesignEntityTable.joined + DesignEntityTable.clickHouse).map(\.entity))
        #expect(EntityType.allCases.filter(\.isClickHouseOnly).map(\.rawValue) == DesignEntityTable.clickHouse.map(\.entity))
    }

    /// DESIGN §2b's ClickHouse entities: table, window column, columns, and the SELECT with FINAL,
    /// the scope and the window as named parameters.
    @Test(arguments: DesignEntityTable.clickHouse)
    func clickHouseEntityMatchesDesign(_ design: DesignEntityTable) throws {
        let entity = try #require(EntityType(rawValue: design.entity), "DESIGN §2b names \(design.entity)")
        #expect(entity.table == design.table)
        #expect(entity.windowColumn == design.windowColumn)
        #expect(entity.columns == design.columns)
        #expect(entity.store(clickHouseConfigured: false) == .clickHouse)
        let query = ClickHouseQuery(EntityQuery(entity: entity, tenantID: "t", environmentID: "e",
                                                window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200), runID: 42))
        let columns = design.columns.map { "`\($0)`" }.joined(separator: ", ")
        #expect(query.selectSQL == "SELECT \(columns) FROM `\(design.table)` FINAL WHERE `tenant_id` = {tenant_id:String} "
            + "AND `environment_id` = {environment_id:String} AND `timestamp` >= {window_start:DateTime('UTC')} "
            + "AND `timestamp` < {window_end:DateTime('UTC')} ORDER BY `timestamp`, `id` FORMAT RowBinaryWithNamesAndTypes")
        #expect(query.parameters.map(\.value) == ["t", "e", "2026-11-20 00:00:00", "2026-11-21 00:00:00"])
        #expect(query.queryID == "flexprice-exporter-42")
    }

    /// feature_usage is read from ClickHouse when it is configured, else from PostgreSQL.
    @Test func featureUsageFollowsTheConfiguration() {
        #expect(EntityType.featureUsage.store(clickHouseConfigured: true) == .clickHouse)
        #expect(EntityType.featureUsage.store(clickHouseConfigured: false) == .postgres)
        #expect(EntityType.invoice.store(clickHouseConfigured: true) == .postgres)
    }

    @Test(arguments: DesignEntityTable.all)
    func entityMatchesDesign(_ design: DesignEntityTable) throws {
        let entity = try #require(EntityType(rawValue: design.entity), "DESIGN §2 names \(design.entity)")
        #expect(entity.table == design.table)
        #expect(entity.windowColumn == design.windowColumn)
        #expect(entity.columns == design.columns)
        let query = EntityQuery(entity: entity, tenantID: "t", environmentID: "e",
                                window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200))
        #expect(query.selectSQL == design.selectSQL)
    }

    /// One SELECT spelled out in full, so the template ``DesignEntityTable/selectSQL`` builds the
    /// others with is itself pinned.
    @Test func customerSelectIsSpelledOut() {
        let query = EntityQuery(entity: .customer, tenantID: "t", environmentID: "e",
                                window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200))
        let expected = #"SELECT "id", "tenant_id", "environment_id", "external_id", "name", "email", "address_line1", "#
            + #""address_line2", "address_city", "address_state", "address_postal_code", "address_country", "metadata", "#
            + #""status", "created_at", "updated_at" FROM "customers" WHERE "tenant_id" = $1 AND "environment_id" = $2 "#
            + #"AND "updated_at" >= $3 AND "updated_at" < $4 ORDER BY "updated_at", "id""#
        #expect(query.selectSQL == expected)
        #expect(DesignEntityTable.of(.customer).selectSQL == expected)
    }

    static let day = ExportWindow(start: 1_795_132_800, end: 1_795_219_200)

    /// credit_topups: FlexPrice's join (wallet_transactions, wallets, customers), completed published
    /// credits, scoped on the transaction, half-open on its created_at, the constants bound as
    /// parameters, ordered on (created_at, id); the same in both shapes.
    @Test(arguments: [ExportShape.contract, .flexprice])
    func creditTopupsSelectIsSpelledOut(_ shape: ExportShape) {
        let design = DesignEntityTable.of(.creditTopups)
        #expect(EntityType.creditTopups.columns == design.columns)
        #expect(EntityType.creditTopups.windowColumn == design.windowColumn)
        let query = EntityQuery(entity: .creditTopups, tenantID: "t", environmentID: "e", window: Self.day, shape: shape)
        #expect(query.selection.names == design.columns)
        #expect(query.selectSQL == #"SELECT t."id" AS "topup_id", c."external_id" AS "external_id", c."name" AS "name", "#
            + #"t."wallet_id" AS "wallet_id", t."amount" AS "amount", t."credit_balance_before" AS "credit_balance_before", "#
            + #"t."credit_balance_after" AS "credit_balance_after", t."reference_id" AS "reference_id", "#
            + #"t."transaction_reason" AS "transaction_reason", t."created_at" AS "created_at" "#
            + #"FROM "wallet_transactions" t JOIN "wallets" w ON w."id" = t."wallet_id" "#
            + #"JOIN "customers" c ON c."id" = w."customer_id" "#
            + #"WHERE t."tenant_id" = $1 AND t."environment_id" = $2 AND t."type" = $5 AND t."transaction_status" = $6 "#
            + #"AND t."status" = $7 AND t."created_at" >= $3 AND t."created_at" < $4 ORDER BY t."created_at", t."id""#)
        #expect(query.selection.filters.map(\.value) == ["credit", "completed", "published"])
    }

    /// FlexPrice's invoice export: its 38 columns, published invoices, windowed on created_at (half-open).
    @Test func flexpriceInvoiceSelect() {
        let query = EntityQuery(entity: .invoice, tenantID: "t", environmentID: "e", window: Self.day, shape: .flexprice)
        let header = "id,tenant_id,environment_id,customer_id,subscription_id,invoice_number,invoice_type,invoice_status,"
            + "payment_status,currency,amount_due,amount_paid,amount_remaining,subtotal,total,total_discount,total_tax,"
            + "adjustment_amount,refunded_amount,billing_sequence,description,due_date,paid_at,voided_at,finalized_at,"
            + "billing_period,period_start,period_end,invoice_pdf_url,billing_reason,metadata,idempotency_key,version,"
            + "status,created_by,updated_by,created_at,updated_at"
        #expect(query.selection.names.joined(separator: ",") == header)
        let columns = header.split(separator: ",").map { "t.\"\($0)\" AS \"\($0)\"" }.joined(separator: ", ")
        #expect(query.selectSQL == "SELECT \(columns) FROM \"invoices\" t WHERE t.\"tenant_id\" = $1 AND t.\"environment_id\" = $2 "
            + "AND t.\"status\" = $5 AND t.\"created_at\" >= $3 AND t.\"created_at\" < $4 ORDER BY t.\"created_at\", t.\"id\"")
    }

    /// FlexPrice's events export: meter_usage FINAL with its 19 columns, the seven it leaves empty as
    /// typed NULLs, half-open on timestamp, ordered (timestamp, id).
    @Test func flexpriceEventsSelect() {
        let query = ClickHouseQuery(EntityQuery(entity: .meterUsage, tenantID: "t", environmentID: "e", window: Self.day,
                                                shape: .flexprice))
        func null(_ name: String) -> String { "CAST(NULL, 'Nullable(String)') AS `\(name)`" }
        let columns = ["`id`", "`tenant_id`", "`environment_id`", "`external_customer_id`", null("customer_id"),
                       null("subscription_id"), null("sub_line_item_id"), null("price_id"), "`meter_id`", null("feature_id"),
                       "`event_name`", "`source`", "`timestamp`", "`ingested_at`", null("period_id"), "`qty_total`",
                       null("provisional_usage_charges"), "`properties`", "`unique_hash`"].joined(separator: ", ")
        #expect(query.selectSQL == "SELECT \(columns) FROM `meter_usage` FINAL WHERE `tenant_id` = {tenant_id:String} "
            + "AND `environment_id` = {environment_id:String} AND `timestamp` >= {window_start:DateTime('UTC')} "
            + "AND `timestamp` < {window_end:DateTime('UTC')} ORDER BY `timestamp`, `id` FORMAT RowBinaryWithNamesAndTypes")
    }
}
