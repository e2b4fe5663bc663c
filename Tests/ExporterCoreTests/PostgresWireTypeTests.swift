import ExporterCore
import Testing

/// Catalog type names to send formats: every name the exporter reads, and refusal of the rest.
struct PostgresWireTypeTests {
    static let known: [(String, PostgresWireType)] = [
        ("text", .text), ("varchar", .text), ("bpchar", .text), ("name", .text), ("citext", .text),
        ("json", .json), ("jsonb", .jsonb), ("bool", .bool),
        ("int2", .int2), ("int4", .int4), ("int8", .int8), ("float4", .float4), ("float8", .float8),
        ("numeric", .numeric), ("timestamp", .timestamp), ("timestamptz", .timestamptz),
        ("date", .date), ("uuid", .uuid),
    ]

    @Test(arguments: known)
    func aCatalogNameMapsToItsSendFormat(_ name: String, _ type: PostgresWireType) {
        #expect(PostgresWireType(typeName: name) == type)
    }

    @Test func everySendFormatHasANameThatReadsBack() {
        // The error-message name is itself a catalog name of the format.
        for (_, type) in Self.known {
            #expect(PostgresWireType(typeName: type.name) == type)
        }
        #expect(Set(Self.known.map(\.1)).count == 14)
    }

    /// SQL spellings (the catalog says int4, not integer), arrays, and types with other send
    /// formats are not read: the caller names the column in its error.
    @Test(arguments: ["integer", "bigint", "character varying", "_int4", "_text", "bytea", "time", "timetz",
                      "interval", "money", "inet", "xml", "TEXT", "", "my_domain"])
    func otherNamesAreNotRead(_ name: String) {
        #expect(PostgresWireType(typeName: name) == nil)
    }
}
