import ExporterCore
import Testing

/// Process settings (DESIGN §7): defaults, parsing, and errors naming the variable.
struct ExporterSettingsTests {
    @Test func defaults() throws {
        let s = try ExporterSettings { _ in nil }
        #expect(s.databaseURL == nil)
        #expect(s.tickSeconds == 60)
        #expect(s.graceSeconds == 900)
        #expect(s.catchupLimit == 31)
        #expect(s.maxConcurrency == 4)
        #expect(s.shutdownSeconds == 30)
        #expect(s.historyDays == 90)
        #expect(s.logLevel == .info)
        #expect(s.logFormat == .text)
        #expect(s.gzipLevel == 6)
        #expect(s.zstdLevel == 3)
        #expect(throws: SettingsError.missing(name: "DATABASE_URL")) { try s.requireDatabaseURL() }
    }

    @Test func readsValues() throws {
        let env = ["DATABASE_URL": "postgres://u:p%40ss@db.local:6543/flex?sslmode=require",
                   "EXPORTER_TICK_SECONDS": "5", "EXPORTER_LOG_LEVEL": "DEBUG", "EXPORTER_LOG_FORMAT": "json",
                   "EXPORTER_ZSTD_LEVEL": "19"]
        let s = try ExporterSettings { env[$0] }
        let url = try s.requireDatabaseURL()
        #expect(url == DatabaseURL("postgres://u:p%40ss@db.local:6543/flex?sslmode=require"))
        #expect(url.description == "postgres://u:***@db.local:6543/flex?sslmode=require")
        #expect(s.tickSeconds == 5)
        #expect(s.logLevel == .debug)
        #expect(s.logFormat == .json)
        #expect(s.zstdLevel == 19)
    }

    @Test(arguments: [
        ("EXPORTER_TICK_SECONDS", "soon", "EXPORTER_TICK_SECONDS must be a whole number"),
        ("EXPORTER_MAX_CONCURRENCY", "0", "EXPORTER_MAX_CONCURRENCY must be a whole number from 1"),
        ("EXPORTER_LOG_FORMAT", "xml", "EXPORTER_LOG_FORMAT must be text or json"),
        ("EXPORTER_ZSTD_LEVEL", "20", "EXPORTER_ZSTD_LEVEL must be a whole number from 1 to 19, got \"20\""),
        ("EXPORTER_ZSTD_LEVEL", "0", "EXPORTER_ZSTD_LEVEL must be a whole number from 1 to 19, got \"0\""),
        ("EXPORTER_LOG_LEVEL", "'debug'", "EXPORTER_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, got \"'debug'\""),
        ("EXPORTER_LOG_FORMAT", "JSON lines", "EXPORTER_LOG_FORMAT must be text or json, got \"JSON lines\""),
    ])
    func malformedValuesNameTheSetting(_ name: String, _ value: String, _ message: String) {
        do {
            _ = try ExporterSettings { $0 == name ? value : nil }
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
            #expect(!error.description.contains("pw"))
        }
    }
}

/// DATABASE_URL is libpq's to judge (at the first connection, exit 78 when it cannot parse it):
/// settings keep any form as written.
struct DatabaseURLSettingTests {
    @Test(arguments: ["host=db dbname=flex", "postgres://u@h1:5432,h2:5432/d?target_session_attrs=read-write", "service=exporter"])
    func everyLibpqFormIsKeptAsWritten(_ text: String) throws {
        let settings = try ExporterSettings { $0 == "DATABASE_URL" ? text : nil }
        #expect(try settings.requireDatabaseURL().connectionString == text)
    }
}
