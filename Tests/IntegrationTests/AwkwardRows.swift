import ExporterCore
import Foundation
import ExporterDatabase
import Testing

/// Rows for any entity table holding the values a typed export gets wrong first, chosen by each
/// column's declared type in the catalog (so a column added to the schema is seeded too):
/// NULL in every nullable column (the first row), multi-byte text and emoji, strings over 64
/// bytes (past the statistics' truncation), timestamps before 1970 and after 2100, decimals at
/// their full declared precision, negative and zero, a 40-digit unconstrained numeric, integer
/// extremes, jsonb objects, arrays and scalars.
///
/// The window column runs from the window's first microsecond to its last; a row at the
/// window's end, one before it and one of another environment are out of scope.
enum AwkwardRows {
    /// In-window rows: the all-NULL row and enough rows for every value of the longest list.
    static let windowRowCount = 10

    /// SQL literals (already quoted and cast) for a column of this declared type, in the order
    /// rows take them.
    static func values(dataType: String, maxLength: Int?, precision: Int?, scale: Int?) -> [String] {
        switch dataType {
        case "character varying", "text", "character":
            let texts = [
                "plain",
                "",
                "Zürich ☕ \"GmbH\", AG — 中文 ✓ 🎉",
                String(repeating: "🎉", count: 40), // 160 bytes in 40 characters: fits varchar(50)
                "line1\nline2\r\nend\ttab",
                "long-" + String(repeating: "x", count: 200),
                "O'Brien \\ back\\slash",
                "é",
                "Ω-" + String(repeating: "ü", count: 45), // 92 bytes
            ]
            return texts.map { text in
                let literal = sqlLiteral(text)
                return maxLength.map { "left(\(literal), \($0))" } ?? literal
            }
        case "numeric":
            guard let precision, let scale else {
                return ["1234567890123456789012345678901234567890", "-98765432109876543210.123456789012345678901234567890",
                        "0", "-0.000000000000000000000000000001", "3.14"].map { "'\($0)'::numeric" }
            }
            let nines = String(repeating: "9", count: precision - scale) + (scale > 0 ? "." + String(repeating: "9", count: scale) : "")
            let unit = scale > 0 ? "0." + String(repeating: "0", count: scale - 1) + "1" : "1"
            return [nines, "-" + nines, "-" + unit, "0", unit, "1234.5", "-42"].map { "'\($0)'::numeric" }
        case "smallint":
            return ["32767", "-32768", "0", "-1"]
        case "integer":
            return ["2147483647", "-2147483648", "0", "-1", "7"]
        case "bigint":
            return ["9223372036854775807", "-9223372036854775808", "0", "-1", "42"]
        case "boolean":
            return ["true", "false"]
        case "timestamp with time zone":
            return ["1900-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z",
                    "2150-06-30T12:00:00.123456Z", "2100-01-01T00:00:00.000001Z", "2026-11-20T06:30:00Z"]
                .map { "'\($0)'::timestamptz" }
        case "jsonb", "json":
            return [
                #"{"a": {"b": [1, "x, y"]}, "é": "☕ 🎉", "n": 1.5e3}"#,
                #"[1, 2.5, "three", null, true, {"k": []}]"#,
                "{}",
                "[]",
                #""just text""#,
                #"{"description": ""# + String(repeating: "d", count: 120) + #"", "nested": [[[]]]}"#,
            ].map { sqlLiteral($0) + "::jsonb" }
        default:
            return ["'other'"]
        }
    }

    /// A standard SQL string literal (standard_conforming_strings: only quotes are doubled).
    static func sqlLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension Services {
    /// Seeds ``AwkwardRows`` into `entity`'s table for `tenant`/`environment` in the 2026-11-20
    /// window (``ProxiedWindow/window``).
    func seedAwkwardRows(_ entity: EntityType, tenant: String, environment: String) async throws {
        let design = DesignEntityTable.of(entity)
        try #require(!design.table.isEmpty, "DESIGN §2 has no row for \(entity.rawValue)")
        struct Column { let name: String; let nullable: Bool; let values: [String] }
        var columns: [Column] = []
        for row in try await postgres.query("""
            SELECT column_name::text, data_type::text, is_nullable::text, character_maximum_length::int,
                   numeric_precision::int, numeric_scale::int
            FROM information_schema.columns WHERE table_name = \(design.table) ORDER BY ordinal_position
            """) {
            let (name, type, nullable, maxLength, precision, scale) = try row.decode((String, String, String, Int?, Int?, Int?).self)
            let isNumeric = type == "numeric"
            columns.append(Column(name: name, nullable: nullable == "YES",
                                  values: AwkwardRows.values(dataType: type, maxLength: maxLength,
                                                             precision: isNumeric ? precision : nil,
                                                             scale: isNumeric ? scale : nil)))
        }
        let fixed = ["id", "tenant_id", "environment_id", design.windowColumn]
        let free = columns.filter { !fixed.contains($0.name) }
        let names = (fixed + free.map(\.name)).map { "\"\($0)\"" }.joined(separator: ", ")

        func row(_ id: String, environment: String, at: String, index: Int) -> String {
            var cells = [AwkwardRows.sqlLiteral(id), AwkwardRows.sqlLiteral(tenant), AwkwardRows.sqlLiteral(environment), at]
            for column in free {
                if index == 0 && column.nullable {
                    cells.append("NULL")
                } else {
                    // Each column starts its cycle at a different place, so rows mix values.
                    let offset = index == 0 ? 0 : (index - 1 + column.name.utf8.count) % column.values.count
                    cells.append(column.values[offset])
                }
            }
            return "(" + cells.joined(separator: ", ") + ")"
        }
        var rows: [String] = []
        for index in 0..<AwkwardRows.windowRowCount {
            let at = index == AwkwardRows.windowRowCount - 1
                ? "'2026-11-20T23:59:59.999999Z'::timestamptz"
                : "'2026-11-20T00:00:00Z'::timestamptz + interval '1 hour' * \(index * 2) + interval '1 microsecond' * \(index)"
            rows.append(row(tenant + "-" + String(format: "%02d", index), environment: environment, at: at, index: index))
        }
        rows.append(row(tenant + "-at-end", environment: environment, at: "'2026-11-21T00:00:00Z'::timestamptz", index: 1))
        rows.append(row(tenant + "-before", environment: environment, at: "'2026-11-19T23:59:59.999999Z'::timestamptz", index: 2))
        rows.append(row(tenant + "-other-env", environment: environment + "x", at: "'2026-11-20T12:00:00Z'::timestamptz", index: 3))
        try await execute(SQL(unsafeSQL: "INSERT INTO \"\(design.table)\" (\(names)) VALUES " + rows.joined(separator: ",\n")))
    }
}
