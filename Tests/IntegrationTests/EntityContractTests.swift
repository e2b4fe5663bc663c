import ExporterClickHouse
import ExporterCore
import ExporterSource
import Testing

/// The exporter's entities against DESIGN §2 written out literally (``DesignEntityTable``): the
/// set of entities, each one's table, window column and columns in order, and the SELECT that
/// ``EntityQuery`` sends. Needs no services, so it runs everywhere.
struct EntityContractTests {
    @Test func theExporterKnowsExactlyDesignsEntities() {
        #expect(EntityType.allCases.map(\.rawValue) == (DesignEntityTable.all + DesignEntityTable.clickHouse).map(\.entity))
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
}
