import ExporterCore
import Foundation
import Testing

/// Every key the exporter reads is documented where an operator looks for it: a row of the
/// README's settings table, a row of docs/configuration.md's, and a line of the annotated
/// config/exporter.env.example (issue 22: the README's table had lost EXPORTER_FLEXPRICE_TASKS).
struct SettingsDocumentationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(arguments: ExporterSettings.keys)
    func everyKeyIsDocumented(_ key: String) throws {
        #expect(try Self.text("README.md").contains("\n| `\(key)` |"), "README.md's settings table has no row for \(key)")
        #expect(try Self.text("docs/configuration.md").contains("\n| `\(key)` |"),
                "docs/configuration.md's table has no row for \(key)")
        let example = try Self.text("config/exporter.env.example").split(separator: "\n")
        #expect(example.contains { $0.hasPrefix("\(key)=") || $0.hasPrefix("# \(key)=") },
                "config/exporter.env.example has no line setting \(key)")
    }
}
