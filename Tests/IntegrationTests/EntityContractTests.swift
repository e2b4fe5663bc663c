import ExporterCore
import ExporterSource
import Testing

/// The exporter's entities against DESIGN §2 written out literally (``DesignEntityTable``): the
/// set of entities, each one's table, window column and columns in order, and the SELECT that
/// ``EntityQuery`` sends. Needs no services, so it runs everywhere.
struct EntityContractTests {
    @Test func theExporterKnowsExactlyDesignsEntities() {
        #expect(EntityType.allCases.map(\.rawValue) == DesignEntityTable.all.map(\.entity))
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
