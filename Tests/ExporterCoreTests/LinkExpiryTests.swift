import ExporterCore
import Testing

@Suite("LinkExpiry")
struct LinkExpiryTests {
    @Test("seconds and each unit", arguments: [
        ("3600", 3600), ("90s", 90), ("15m", 900), ("1h", 3600), ("7d", 604_800), ("1", 1), ("604800", 604_800),
        ("168h", 604_800), ("10080m", 604_800), (" 2h ", 7200), ("0001s", 1),
    ])
    func parses(text: String, seconds: Int) throws {
        #expect(try LinkExpiry(parsing: text).seconds == seconds)
    }

    @Test("out of range: zero, or more than 7 days", arguments: ["0", "0s", "8d", "604801", "169h", "99999999999999999999", "10081m"])
    func outOfRange(text: String) {
        #expect(throws: LinkExpiryError.outOfRange(text)) { try LinkExpiry(parsing: text) }
    }

    @Test("not a duration", arguments: ["", "h", "1.5h", "-1", "1w", "1 h", "1H", "PT1H", "1hs", "+5"])
    func unreadable(text: String) {
        #expect(throws: LinkExpiryError.unreadable(text)) { try LinkExpiry(parsing: text) }
    }

    @Test("the default is one hour, and the messages say what is accepted")
    func defaultsAndMessages() {
        #expect(LinkExpiry.defaultExpiry.seconds == 3600)
        #expect(LinkExpiry.defaultExpiry.description == "1h")
        #expect("\(LinkExpiryError.outOfRange("8d"))".contains("1 second to 7 days"))
        #expect("\(LinkExpiryError.unreadable("soon"))".contains("90s, 15m, 1h, 7d"))
    }

    @Test("description is the shortest exact form")
    func description() throws {
        #expect(try LinkExpiry(parsing: "604800").description == "7d")
        #expect(try LinkExpiry(parsing: "120m").description == "2h")
        #expect(try LinkExpiry(parsing: "90s").description == "90s")
        #expect(try LinkExpiry(parsing: "300").description == "5m")
    }
}
