import ExporterCore
import Testing

/// Unknown keys in the config file and the environment: which are warned about, the known key
/// each resembles, and the exact warnings.
struct SettingsKeyCheckTests {
    @Test(arguments: [
        ("EXPORTER_TICK_SECOND", "EXPORTER_TICK_SECONDS"),
        ("EXPORTER_TICK_SECONSD", "EXPORTER_TICK_SECONDS"),
        ("EXPORTER_LOGLEVEL", "EXPORTER_LOG_LEVEL"),
        ("exporter_log_level", "EXPORTER_LOG_LEVEL"),
        ("TICK_SECONDS", "EXPORTER_TICK_SECONDS"),
        ("EXPORTER_METRICS_ADDR", "EXPORTER_METRICS_ADDRESS"),
        ("FLEXPRICE_ENCRYPTION_KEY", "FLEXPRICE_SECRETS_ENCRYPTION_KEY"),
        ("DATABASE_ULR", "DATABASE_URL"),
        ("EXPORTER_CONFIG", "EXPORTER_CONFIG_FILE"),
    ])
    func aCloseKeyIsSuggested(_ key: String, _ expected: String) {
        #expect(SettingsKeyCheck.suggestion(for: key) == expected)
    }

    @Test(arguments: ["EXPORTER_COLOUR", "FLEXPRICE_POSTGRES_HOST", "HOME", "EXPORTER_TICK_SECONDS"])
    func aKeyLikeNoOtherHasNoSuggestion(_ key: String) {
        #expect(SettingsKeyCheck.suggestion(for: key) == nil)
    }

    @Test func fileWarningsNameTheLineAndEveryKnownKeyPasses() {
        let assignments: [(key: String, line: Int)] = [
            ("DATABASE_URL", 1), ("EXPORTER_TICK_SECOND", 2), ("EXPORTER_LOG_LEVEL", 3), ("PGPASSWORD", 4),
            ("EXPORTER_CONFIG_FILE", 5), ("EXPORTER_LOG_LEVEL", 9), ("FLEXPRICE_POSTGRES_HOST", 10),
        ] + ExporterSettings.keys.map { ($0, 20) }
        let warnings = SettingsKeyCheck.fileWarnings(path: "/etc/flexprice-exporter/exporter.env", assignments: assignments)
        #expect(warnings.map(\.description) == [
            "/etc/flexprice-exporter/exporter.env, line 2: EXPORTER_TICK_SECOND is not a setting of the exporter and is ignored; did you mean EXPORTER_TICK_SECONDS?",
            "/etc/flexprice-exporter/exporter.env, line 4: PGPASSWORD is ignored here: libpq reads PG* variables from the process environment only (set it there, or put the parameter in DATABASE_URL)",
            "/etc/flexprice-exporter/exporter.env, line 5: EXPORTER_CONFIG_FILE is ignored here: it is read from the environment only",
            "/etc/flexprice-exporter/exporter.env, line 10: FLEXPRICE_POSTGRES_HOST is not a setting of the exporter and is ignored",
            "/etc/flexprice-exporter/exporter.env: DATABASE_URL is set on lines 1 and 20; line 20 wins",
            "/etc/flexprice-exporter/exporter.env: EXPORTER_LOG_LEVEL is set on lines 3, 9 and 20; line 20 wins",
        ])
        #expect(warnings.map(\.line) == [2, 4, 5, 10, 20, 20])
        #expect(SettingsKeyCheck.environmentWarnings(["EXPORTER_X"]).map(\.line) == [nil])
    }

    @Test func environmentWarningsStayInTheExportersNamespace() {
        let names = ["PATH", "HOME", "PGPASSWORD", "DATABASE_ULR", "EXPORTER_TICK_SECOND", "EXPORTER_COLOUR",
                     "EXPORTER_TEST_DATABASE_URL", "EXPORTER_BIN", "EXPORTER_MOTO_VENV", "EXPORTER_CONFIG_FILE",
                     "FLEXPRICE_POSTGRES_HOST", "FLEXPRICE_ENCRYPTION_KEY"] + ExporterSettings.keys
        #expect(SettingsKeyCheck.environmentWarnings(names).map(\.description) == [
            "the environment: EXPORTER_COLOUR is not a setting of the exporter and is ignored",
            "the environment: EXPORTER_TICK_SECOND is not a setting of the exporter and is ignored; did you mean EXPORTER_TICK_SECONDS?",
            "the environment: FLEXPRICE_ENCRYPTION_KEY is not a setting of the exporter and is ignored; did you mean FLEXPRICE_SECRETS_ENCRYPTION_KEY?",
        ])
    }

    @Test func aRefusedValueNamesWhereItWasRead() {
        #expect(SettingOrigin.file(path: "/etc/x.env", line: 4).description == "/etc/x.env, line 4")
        #expect(SettingOrigin.environment.description == "the environment")
    }
}
