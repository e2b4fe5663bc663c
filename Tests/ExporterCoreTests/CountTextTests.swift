import ExporterCore
import Testing

/// One row, two rows: the noun agrees with the count.
struct CountTextTests {
    @Test func theNounAgreesWithTheCount() {
        #expect(CountText.of(0, "row") == "0 rows")
        #expect(CountText.of(1, "row") == "1 row")
        #expect(CountText.of(2, "row") == "2 rows")
        #expect(CountText.of(-1, "byte") == "-1 bytes")
        #expect(CountText.of(1, "entity", plural: "entities") == "1 entity")
        #expect(CountText.of(3, "entity", plural: "entities") == "3 entities")
        #expect(CountText.of(12_345, "row", digits: { "<\($0)>" }) == "<12345> rows")
    }
}
