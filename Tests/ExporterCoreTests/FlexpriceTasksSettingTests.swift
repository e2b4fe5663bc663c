import ExporterCore
import Testing

/// EXPORTER_FLEXPRICE_TASKS: off unless set, a boolean, and an error naming it otherwise.
struct FlexpriceTasksSettingTests {
    @Test func offByDefault() throws {
        #expect(try ExporterSettings { _ in nil }.flexpriceTasks == false)
        #expect(ExporterSettings.keys.contains("EXPORTER_FLEXPRICE_TASKS"))
    }

    @Test(arguments: [("true", true), ("TRUE", true), ("1", true), ("yes", true), ("on", true),
                      ("false", false), ("0", false), ("No", false), ("off", false), (" true ", true)])
    func booleans(text: String, expected: Bool) throws {
        #expect(try ExporterSettings { $0 == "EXPORTER_FLEXPRICE_TASKS" ? text : nil }.flexpriceTasks == expected)
    }

    @Test func anythingElseNamesTheVariable() {
        #expect(throws: SettingsError.invalid(name: "EXPORTER_FLEXPRICE_TASKS", problem: "must be true or false, got \"maybe\"")) {
            try ExporterSettings { $0 == "EXPORTER_FLEXPRICE_TASKS" ? "maybe" : nil }
        }
    }
}
