import ExporterCore
import ParquetWriter

/// The table's schema in Delta's JSON form, from the Parquet columns the data files have, so the
/// log and the files always agree on every column's type.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#schema-serialization-format
public struct DeltaSchema: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var name: String
        /// `string`, `long`, `boolean`, `timestamp` (UTC instants) or `decimal(p,s)`.
        public var type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    /// Every column nullable: a source column can hold NULL in any row.
    public init(columns: [ParquetColumn]) {
        fields = columns.map { Field(name: $0.name, type: Self.typeName($0.type)) }
    }

    /// Delta's primitive type for a Parquet column type.
    public static func typeName(_ type: ParquetColumnType) -> String {
        switch type {
        case .string, .json: "string"
        case .int64: "long"
        case .boolean: "boolean"
        case .timestampMicrosUTC: "timestamp"
        case .decimal(let precision, let scale): "decimal(\(precision),\(scale))"
        }
    }

    /// `{"type":"struct","fields":[{"name":…,"type":…,"nullable":true,"metadata":{}}…]}`.
    public var json: String {
        var text = #"{"type":"struct","fields":["#
        for (index, field) in fields.enumerated() {
            if index > 0 { text += "," }
            text += #"{"name":"# + JSONValue.stringLiteral(field.name) + #","type":""# + field.type + #"","nullable":true,"metadata":{}}"#
        }
        return text + "]}"
    }

    /// The fields of a schema string another writer (or an earlier export) wrote; nil when it is
    /// not a flat struct this writer understands.
    public static func parse(_ text: String) -> DeltaSchema? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              root["type"] as? String == "struct", let fields = root["fields"] as? [[String: Any]] else { return nil }
        var parsed: [Field] = []
        for field in fields {
            guard let name = field["name"] as? String, let type = field["type"] as? String else { return nil }
            parsed.append(Field(name: name, type: type))
        }
        return DeltaSchema(fields: parsed)
    }
}

import Foundation
