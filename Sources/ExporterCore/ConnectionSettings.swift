import Foundation

/// A connection's `sync_config.s3`, validated (DESIGN §2).
///
/// Parsing is strict and field-by-field: anything malformed fails that connection only, with an
/// ``ExportError/config(connection:field:problem:)`` naming the field, so an operator can fix
/// the row; it is never silently skipped.
public struct ConnectionSettings: Sendable, Hashable {
    public var bucket: String
    public var region: String
    public var keyPrefix: String
    public var compression: CompressionSetting
    public var encryption: ServerSideEncryption
    public var kmsKeyID: String?
    /// A custom S3-compatible endpoint (http or https); nil means AWS.
    public var endpointURL: String?
    public var virtualHostStyle: Bool
    public var maxFileSizeMB: Int
    public var interval: SyncInterval
    /// The entities to export: the explicit `entity_types`, else those marked `outbound`.
    public var entityTypes: [EntityType]
    public var format: ExportFormat
    public var syncActive: Bool
    /// Whether each export also writes an Athena symlink list (`athena_symlinks`, an addition to
    /// DESIGN §2): Athena reads every object in a folder, and its Parquet reader fails on the
    /// manifest beside the data, so a Parquet table reads these lists instead of the folders.
    public var athenaSymlinks: Bool
    /// FlexPrice's name of the export (`events`, `invoice`, `credit_topups`) when the stream is one
    /// of FlexPrice's scheduled tasks: its objects then take FlexPrice's shape, key layout, CSV
    /// dialect and content type, and ``keyPrefix`` is the task's `key_prefix` as written.
    public var flexpriceExport: String?
    /// `table_format`: with ``TableFormat/delta`` each of the connection's streams is also a Delta
    /// Lake table rooted at `{key_prefix}/{entity}/`, whose log says which files hold each window.
    public var tableFormat: TableFormat

    /// Whether the stream's files form a Delta Lake table.
    public var isDelta: Bool { tableFormat == .delta }

    public var keyLayout: ObjectKeyLayout {
        guard let flexpriceExport else { return ObjectKeyLayout(keyPrefix: keyPrefix) }
        return ObjectKeyLayout(keyPrefix: keyPrefix, style: .flexprice(export: flexpriceExport, rawPrefix: keyPrefix))
    }

    /// The contract's shape, or FlexPrice's for a scheduled task's stream.
    public var shape: ExportShape { flexpriceExport == nil ? .contract : .flexprice }

    /// A data object's Content-Type and Content-Encoding. FlexPrice's own uploads send
    /// `application/gzip` (no Content-Encoding) for gzip and `text/csv` otherwise, and a scheduled
    /// task's stream does the same, so a client that downloads the object gets the bytes FlexPrice's
    /// would have given it (an HTTP client honouring Content-Encoding would unpack a `gzip` one).
    public var dataContentHeaders: (type: String, encoding: String?) {
        if flexpriceExport != nil { return (compression == .gzip ? "application/gzip" : "text/csv", nil) }
        return (format.contentType, format.contentEncoding(compression))
    }

    public init(bucket: String, region: String, keyPrefix: String = "", compression: CompressionSetting = .gzip,
                encryption: ServerSideEncryption = .aes256, kmsKeyID: String? = nil, endpointURL: String? = nil,
                virtualHostStyle: Bool = false, maxFileSizeMB: Int = 100, interval: SyncInterval = .daily,
                entityTypes: [EntityType] = EntityType.allCases.filter { !$0.isClickHouseOnly && $0 != .creditTopups }, format: ExportFormat = .csv, syncActive: Bool = true,
                athenaSymlinks: Bool = false, flexpriceExport: String? = nil, tableFormat: TableFormat = .none) {
        self.bucket = bucket
        self.region = region
        self.keyPrefix = keyPrefix
        self.compression = compression
        self.encryption = encryption
        self.kmsKeyID = kmsKeyID
        self.endpointURL = endpointURL
        self.virtualHostStyle = virtualHostStyle
        self.maxFileSizeMB = maxFileSizeMB
        self.interval = interval
        self.entityTypes = entityTypes
        self.format = format
        self.syncActive = syncActive
        self.athenaSymlinks = athenaSymlinks
        self.flexpriceExport = flexpriceExport
        self.tableFormat = tableFormat
    }

    /// Parses the `sync_config` column (its JSON text; nil for SQL NULL).
    public static func parse(syncConfig json: String?, connection: String) throws(ExportError) -> ConnectionSettings {
        func fail(_ field: String, _ problem: String) -> ExportError {
            .config(connection: connection, field: field, problem: problem)
        }
        guard let json else { throw fail("sync_config", "is missing (NULL)") }
        guard let root = JSONValue.parse(json) else { throw fail("sync_config", "is not valid JSON") }
        guard case .object = root else { throw fail("sync_config", "is \(root.kind), not a JSON object") }
        guard let s3Value = root["s3"] else { throw fail("s3", "is missing") }
        guard case .object(let s3) = s3Value else { throw fail("s3", "is \(s3Value.kind), not a JSON object") }
        let reader = FieldReader(object: s3, fail: fail)

        let syncActive = try reader.bool("sync_active", default: nil)
        let bucket = try reader.string("bucket", default: nil)
        guard !bucket.isEmpty else { throw fail("s3.bucket", "is empty") }
        guard bucket.utf8.count <= 255, bucket.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw fail("s3.bucket", "is not a valid bucket name")
        }
        let region = try reader.string("region", default: nil)
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw fail("s3.region", "is not a region name such as us-west-2")
        }
        let keyPrefix = try reader.string("key_prefix", default: "")
        if keyPrefix.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw fail("s3.key_prefix", "contains control characters")
        }
        if keyPrefix.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            throw fail("s3.key_prefix", "contains a '.' or '..' path segment")
        }
        let compression = try reader.enumeration("compression", default: CompressionSetting.gzip)
        let encryption = try reader.enumeration("encryption", default: ServerSideEncryption.aes256)
        var kmsKeyID = try reader.optionalString("kms_key_id")
        if kmsKeyID?.isEmpty == true { kmsKeyID = nil }
        if kmsKeyID != nil, !encryption.usesKMS {
            throw fail("s3.kms_key_id", "is set but encryption is \(encryption.rawValue); use aws:kms or aws:kms:dsse")
        }
        var endpointURL = try reader.optionalString("endpoint_url")
        if endpointURL?.isEmpty == true { endpointURL = nil }
        if let endpoint = endpointURL, !Self.isEndpointURL(endpoint) {
            throw fail("s3.endpoint_url", "is not an http(s) URL")
        }
        let virtualHostStyle = try reader.bool("virtual_host_style", default: false)
        let maxFileSizeMB = try reader.int("max_file_size_mb", default: 100)
        guard maxFileSizeMB > 0 else { throw fail("s3.max_file_size_mb", "must be a positive number of megabytes") }
        let interval = try reader.enumeration("interval", default: SyncInterval.daily)
        let format = try reader.enumeration("format", default: ExportFormat.csv)
        let athenaSymlinks = try reader.bool("athena_symlinks", default: false)
        let tableFormat = try reader.enumeration("table_format", default: TableFormat.none)
        if tableFormat == .delta, format != .parquet {
            throw fail("s3.table_format", "is delta, which needs s3.format parquet (s3.format is \(format.rawValue))")
        }

        var entityTypes: [EntityType] = []
        if let value = s3["entity_types"], value != .null {
            guard case .array(let list) = value else { throw fail("s3.entity_types", "is \(value.kind), not an array") }
            for item in list {
                guard case .string(let name) = item, let entity = EntityType(rawValue: name) else {
                    throw fail("s3.entity_types", "names an unknown entity \(item.shortText); known: \(EntityType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !entityTypes.contains(entity) { entityTypes.append(entity) }
            }
        }
        if entityTypes.isEmpty {
            for entity in EntityType.allCases {
                guard let section = root[entity.rawValue] else { continue }
                guard case .object = section else { throw fail(entity.rawValue, "is \(section.kind), not a JSON object") }
                guard let outbound = section["outbound"] else { continue }
                guard case .bool(let flag) = outbound else { throw fail("\(entity.rawValue).outbound", "is \(outbound.kind), not a boolean") }
                if flag { entityTypes.append(entity) }
            }
        }
        return ConnectionSettings(
            bucket: bucket, region: region, keyPrefix: keyPrefix, compression: compression,
            encryption: encryption, kmsKeyID: kmsKeyID, endpointURL: endpointURL,
            virtualHostStyle: virtualHostStyle, maxFileSizeMB: maxFileSizeMB, interval: interval,
            entityTypes: entityTypes, format: format, syncActive: syncActive, athenaSymlinks: athenaSymlinks,
            tableFormat: tableFormat)
    }
}

extension ConnectionSettings {
    /// Whether `text` is an http(s) URL with a host: the shape every `endpoint_url` must have.
    static func isEndpointURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return (scheme == "http" || scheme == "https") && url.host?.isEmpty == false
    }
}

extension JSONValue {
    /// The value as it would appear in an error about a setting (never used for secrets).
    var shortText: String {
        switch self {
        case .string(let s): "\"\(s.prefix(64))\""
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? "\(Int64(n))" : "\(n)"
        case .bool(let b): "\(b)"
        default: kind
        }
    }
}

/// Reads typed fields of a JSON object (`sync_config.s3`, a scheduled task's `job_config`),
/// naming the field, under `path`, in every error.
struct FieldReader {
    let object: [String: JSONValue]
    let fail: (String, String) -> ExportError
    var path = "s3."

    private func value(_ name: String) -> JSONValue? {
        guard let v = object[name], v != .null else { return nil }
        return v
    }

    func string(_ name: String, default fallback: String?) throws(ExportError) -> String {
        guard let v = value(name) else {
            if let fallback { return fallback }
            throw fail(path + name, "is missing")
        }
        guard case .string(let s) = v else { throw fail(path + name, "is \(v.kind), not a string") }
        return s
    }

    func optionalString(_ name: String) throws(ExportError) -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v else { throw fail(path + name, "is \(v.kind), not a string") }
        return s
    }

    func bool(_ name: String, default fallback: Bool?) throws(ExportError) -> Bool {
        guard let v = value(name) else {
            if let fallback { return fallback }
            throw fail(path + name, "is missing (a boolean is required)")
        }
        guard case .bool(let b) = v else { throw fail(path + name, "is \(v.kind), not a boolean") }
        return b
    }

    func int(_ name: String, default fallback: Int) throws(ExportError) -> Int {
        guard let v = value(name) else { return fallback }
        guard case .number(let d) = v else { throw fail(path + name, "is \(v.kind), not a number") }
        guard d.rounded() == d, abs(d) < 1e9 else { throw fail(path + name, "is not a whole number") }
        return Int(d)
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ name: String, default fallback: E) throws(ExportError) -> E
    where E.RawValue == String {
        guard let v = value(name) else { return fallback }
        guard case .string(let s) = v else { throw fail(path + name, "is \(v.kind), not a string") }
        guard let e = E(rawValue: s) ?? E(rawValue: s.lowercased()) ?? E(rawValue: s.uppercased()) else {
            throw fail(path + name, "is \(v.shortText); expected one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return e
    }
}
