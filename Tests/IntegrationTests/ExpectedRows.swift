import ExporterCore
import ExporterSource
import Foundation
import ExporterDatabase
import Testing

/// The rows an export should contain, read from PostgreSQL independently of the exporter:
/// every column rendered by PostgreSQL itself as text (numerics exact, timestamps in UTC, jsonb
/// as JSON text), in the export's order.
struct ExpectedRow: Sendable {
    /// Column name -> (PostgreSQL data type, text value or nil for NULL).
    let values: [String: (type: String, text: String?)]
}

extension Services {
    /// The table, columns and window column come from DESIGN §2 written out literally
    /// (``DesignEntityTable``), not from the exporter's `EntityType`.
    func expectedRows(_ entity: EntityType, tenant: String, environment: String, window: ExportWindow) async throws -> [ExpectedRow] {
        let design = DesignEntityTable.of(entity)
        try #require(!design.columns.isEmpty, "DESIGN §2 has no row for \(entity.rawValue)")
        var types: [String: String] = [:]
        for row in try await postgres.query("""
            SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = \(design.table)
            """) {
            let (name, type) = try row.decode((String, String).self)
            types[name] = type
        }
        let rendered = design.columns.map { column -> String in
            let quoted = "\"\(column)\""
            switch types[column] ?? "" {
            case "timestamp with time zone":
                return "to_char(\(quoted) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
            default:
                return "\(quoted)::text"
            }
        }
        let sql = "SELECT " + rendered.joined(separator: ", ") + " FROM \(design.table) WHERE tenant_id = $1 AND environment_id = $2"
            + " AND \"\(design.windowColumn)\" >= $3 AND \"\(design.windowColumn)\" < $4 ORDER BY \"\(design.windowColumn)\", id"
        var binds = SQLBindings()
        binds.append(tenant)
        binds.append(environment)
        binds.append(Date(timeIntervalSince1970: TimeInterval(window.start)))
        binds.append(Date(timeIntervalSince1970: TimeInterval(window.end)))
        var result: [ExpectedRow] = []
        for row in try await postgres.query(SQL(unsafeSQL: sql, binds: binds)) {
            var values: [String: (String, String?)] = [:]
            for (index, cell) in row.enumerated() {
                let column = design.columns[index]
                var text = try cell.decode(String?.self)
                if types[column] == "timestamp with time zone", let t = text, t.hasSuffix(".000000Z") {
                    text = String(t.dropLast(8)) + "Z"
                }
                values[column] = (types[column] ?? "", text)
            }
            result.append(ExpectedRow(values: values))
        }
        return result
    }
}

/// Compares JSON texts by value (key order and whitespace do not matter).
func sameJSON(_ a: String, _ b: String) -> Bool {
    guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8), options: [.fragmentsAllowed]),
          let y = try? JSONSerialization.jsonObject(with: Data(b.utf8), options: [.fragmentsAllowed]) else { return false }
    return NSDictionary(dictionary: ["v": x]).isEqual(to: ["v": y])
}

/// Parses an exported file and checks it field by field against PostgreSQL's own rendering:
/// the same rows in the same order, every value equal (jsonb by value), and in JSON output every
/// value of the contract's JSON type (exact decimals and timestamps as strings, integers as
/// numbers, booleans as booleans, jsonb as JSON). Returns the parsed rows.
@discardableResult
func expectFile(_ text: String, format: ExportFormat, entity: EntityType, toEqual expected: [ExpectedRow],
                sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: String?]] {
    // DESIGN §2's columns, literally: a dropped, added or reordered column fails the CSV header,
    // the JSON key set, and the key order below.
    let columns = DesignEntityTable.of(entity).columns
    try #require(!columns.isEmpty, "DESIGN §2 has no row for \(entity.rawValue)", sourceLocation: sourceLocation)
    let actual = try parse(text, format: format, columns: columns)
    if format != .csv {
        let objects = topLevelObjects(text, format: format)
        #expect(objects.count == expected.count, "one JSON object per row", sourceLocation: sourceLocation)
        for object in objects {
            #expect(keysInOrder(object, columns), "\(entity) JSON keys in DESIGN §2 order: \(object.prefix(300))",
                    sourceLocation: sourceLocation)
        }
    }
    try #require(actual.count == expected.count, sourceLocation: sourceLocation)
    let kinds = format == .csv ? [] : try jsonKinds(text, format: format)
    for (index, (row, want)) in zip(actual, expected).enumerated() {
        for column in columns {
            let (type, text) = try #require(want.values[column], sourceLocation: sourceLocation)
            var got = row[column] ?? nil
            if format != .csv {
                let kind = kinds[index][column]
                #expect(kind == (text == nil ? "null" : expectedJSONKind(type)),
                        "\(entity) \(column) (\(type)) is JSON \(kind ?? "absent")", sourceLocation: sourceLocation)
                // JSONSerialization reads booleans as NSNumber 1/0; the kind check above saw the literal.
                if type == "boolean" { got = got.map { $0 == "1" ? "true" : "false" } }
            }
            if type == "jsonb", let text {
                #expect(got.map { sameJSON($0, text) } == true, "\(entity) \(column): \(got ?? "nil") vs \(text)",
                        sourceLocation: sourceLocation)
            } else if format == .csv {
                // CSV cannot tell NULL from empty; NULL is the empty field.
                #expect(got == (text ?? ""), "\(entity) \(column)", sourceLocation: sourceLocation)
            } else {
                #expect(got == text, "\(entity) \(column)", sourceLocation: sourceLocation)
            }
        }
    }
    return actual
}

/// The JSON type the contract gives a PostgreSQL type (DESIGN §2).
func expectedJSONKind(_ postgresType: String) -> String {
    switch postgresType {
    case "integer", "bigint", "smallint": JSONValue.number(0).kind
    case "boolean": JSONValue.bool(true).kind
    case "jsonb": "JSON"
    default: JSONValue.string("").kind
    }
}

/// Each row's JSON value kinds by column, read with an independent decoder that keeps
/// booleans, numbers and strings apart; objects and arrays both count as "JSON".
func jsonKinds(_ text: String, format: ExportFormat) throws -> [[String: String]] {
    let rows: [[String: JSONValue]]
    if format == .json {
        rows = try JSONDecoder().decode([[String: JSONValue]].self, from: Data(text.utf8))
    } else {
        rows = try text.split(separator: "\n").map { try JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8)) }
    }
    return rows.map { row in
        row.mapValues { value in
            switch value {
            case .object, .array: "JSON"
            default: value.kind
            }
        }
    }
}

/// Each exported JSON object's text: the NDJSON lines, or the elements of the JSON array (the
/// exporter writes one object per line inside the array).
func topLevelObjects(_ text: String, format: ExportFormat) -> [Substring] {
    text.split(separator: "\n").compactMap { line -> Substring? in
        var object = line.drop { $0 == " " || $0 == "[" || $0 == "," }
        while let last = object.last, last == "," || last == "]" || last == " " { object = object.dropLast() }
        return object.first == "{" ? object : nil
    }
}

/// Whether `"column":` appears for every column, each after the previous one.
func keysInOrder(_ object: Substring, _ columns: [String]) -> Bool {
    var rest = object[...]
    for column in columns {
        guard let found = rest.range(of: "\"\(column)\":") else { return false }
        rest = rest[found.upperBound...]
    }
    return true
}
