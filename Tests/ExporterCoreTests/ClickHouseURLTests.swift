import ExporterCore
import Testing

/// EXPORTER_CLICKHOUSE_URL, EXPORTER_CLICKHOUSE_PASSWORD and EXPORTER_CLICKHOUSE_CA_FILE.
struct ClickHouseURLTests {
    @Test func defaultsAreClickHousesOwn() throws {
        let url = try ClickHouseURL.parse("http://ch.internal")
        #expect(url == ClickHouseURL(scheme: .http, host: "ch.internal", port: 8123, user: "default", password: "", database: "flexprice"))
        #expect(try ClickHouseURL.parse("https://ch.internal/").port == 8443)
    }

    @Test func everyPartIsRead() throws {
        let url = try ClickHouseURL.parse("https://exporter:p%40ss%3Aw0rd@[::1]:9443/usage_db", caFile: "/etc/ca.pem")
        #expect(url == ClickHouseURL(scheme: .https, host: "::1", port: 9443, user: "exporter", password: "p@ss:w0rd",
                                     database: "usage_db", caFile: "/etc/ca.pem"))
        #expect(url.authority == "[::1]:9443")
        #expect(url.endpoint == "https://[::1]:9443/")
    }

    @Test func thePasswordSettingWinsAndIsNeverShown() throws {
        let url = try ClickHouseURL.parse("http://u:inurl@h:8123", password: "separate-secret")
        #expect(url.password == "separate-secret")
        #expect(url.description == "http://u:***@h:8123/flexprice")
        #expect(!url.description.contains("secret"))
    }

    @Test(arguments: ["ftp://h:1", "h:8123", "http://u:topsecret@h:8123/a/b", "http://u:topsecret@h:8123/db?x=1", "http://u:topsecret@h:0"])
    func malformedURLsNameTheSettingNotThePassword(text: String) {
        #expect {
            _ = try ClickHouseURL.parse(text)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("EXPORTER_CLICKHOUSE_URL ") && !message.contains("topsecret")
        }
    }

    @Test func aCAFileNeedsHTTPS() {
        #expect(throws: SettingsError.self) { _ = try ClickHouseURL.parse("http://h:8123", caFile: "/etc/ca.pem") }
    }

    @Test func settingsReadTheThreeKeys() throws {
        let values = ["EXPORTER_CLICKHOUSE_URL": "https://reader@ch:8443/fp", "EXPORTER_CLICKHOUSE_PASSWORD": "pw",
                      "EXPORTER_CLICKHOUSE_CA_FILE": "/ca.pem"]
        let settings = try ExporterSettings { values[$0] }
        #expect(settings.clickHouseURL == ClickHouseURL(scheme: .https, host: "ch", port: 8443, user: "reader", password: "pw",
                                                        database: "fp", caFile: "/ca.pem"))
        #expect(try ExporterSettings { _ in nil }.clickHouseURL == nil)
        for key in values.keys { #expect(ExporterSettings.keys.contains(key)) }
    }
}

/// FlexPrice calls its usage export `events`: every usage entity is mirrored under that name.
struct UsageEntityNamesTests {
    @Test func usageIsEventsInFlexPricesTasks() {
        #expect(EntityType.meterUsage.flexpriceEntityType == "events")
        #expect(EntityType.events.flexpriceEntityType == "events")
        #expect(EntityType.featureUsage.flexpriceEntityType == "events")
        #expect(EntityType.invoice.flexpriceEntityType == "invoice")
        #expect(EntityType.allCases.filter(\.isUsage).allSatisfy { $0.windowColumn == "timestamp" })
    }
}
