import ExporterCore
import Foundation
import Testing

/// ``FileStatistics/deltaJSON``: a Delta `add` action's `stats` text, exactly.
struct FileStatisticsTests {
    @Test func deltaJSONListsBoundsOnlyWhereKnownAndEveryNullCount() {
        let stats = FileStatistics(numRecords: 3, columns: [
            .init(name: "id", nullCount: 0, min: .string("a"), max: .string("c")),
            .init(name: "amount", nullCount: 1, min: .number("-12.50"), max: .number("0.05")),
            .init(name: "flag", nullCount: 2),
            .init(name: "label", nullCount: 0, min: .string("prefix-only")),
        ])
        #expect(stats.deltaJSON == #"{"numRecords":3,"minValues":{"id":"a","amount":-12.50,"label":"prefix-only"},"#
            + #""maxValues":{"id":"c","amount":0.05},"nullCount":{"id":0,"amount":1,"flag":2,"label":0}}"#)
    }

    @Test func noBoundsAtAllAreEmptyObjects() {
        #expect(FileStatistics(numRecords: 0, columns: [.init(name: "n", nullCount: 0)]).deltaJSON
            == #"{"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{"n":0}}"#)
        #expect(FileStatistics(numRecords: 0, columns: []).deltaJSON
            == #"{"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{}}"#)
    }

    /// Quotes, backslashes and control characters escaped (in values and names); other
    /// characters, multi-byte ones included, kept as their UTF-8.
    @Test func stringsAreEscapedAsJSON() throws {
        let tricky = "q\"b\\s/\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é日😀"
        let stats = FileStatistics(numRecords: 1, columns: [
            .init(name: "we\"ird\\name", nullCount: 0, min: .string(tricky), max: .string("")),
        ])
        let expectedString = #""q\"b\\s/\n\r\t\b\f\u0001\u001F"# + "\u{7F}é日😀\""
        #expect(stats.deltaJSON == #"{"numRecords":1,"minValues":{"we\"ird\\name":"# + expectedString
            + #"},"maxValues":{"we\"ird\\name":""},"nullCount":{"we\"ird\\name":0}}"#)
        // And a JSON parser reads the very strings back.
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(stats.deltaJSON.utf8)) as? [String: Any])
        let minValues = try #require(parsed["minValues"] as? [String: Any])
        #expect(minValues["we\"ird\\name"] as? String == tricky)
        let nul = FileStatistics(numRecords: 1, columns: [.init(name: "\u{00}", nullCount: 0)])
        #expect(nul.deltaJSON == #"{"numRecords":1,"minValues":{},"maxValues":{},"nullCount":{"\u0000":0}}"#)
    }

    @Test func numbersAreWrittenAsGiven() throws {
        let stats = FileStatistics(numRecords: 9_223_372_036_854_775_807, columns: [
            .init(name: "d", nullCount: 0, min: .number("-99999999999999999999.99999999"), max: .number("0")),
        ])
        #expect(stats.deltaJSON == #"{"numRecords":9223372036854775807,"minValues":{"d":-99999999999999999999.99999999},"#
            + #""maxValues":{"d":0},"nullCount":{"d":0}}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(stats.deltaJSON.utf8)) is [String: Any])
    }
}
