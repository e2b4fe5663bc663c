/// One row of FlexPrice's `scheduled_tasks` (EXPORTER_FLEXPRICE_SCHEDULED_TASKS): how a current
/// FlexPrice defines an export, instead of `sync_config.s3`.
///
/// Each enabled, published row of a published `s3` connection is a stream of its own, with
/// FlexPrice's key layout and CSV headers, so downstream jobs that read FlexPrice's exports keep
/// working when this daemon replaces FlexPrice's Temporal export workers.
public struct ScheduledTask: Sendable, Hashable {
    /// The exports FlexPrice's API defines (`scheduled_tasks.entity_type`).
    public enum Export: String, Sendable, CaseIterable, Hashable {
        /// Metered usage: ClickHouse's `meter_usage`, FlexPrice's own source for this export.
        case events
        case invoice
        /// Completed, published credit transactions of wallets.
        case creditTopups = "credit_topups"
        /// Computed by FlexPrice's billing services (live balances), not read from a table.
        case creditUsage = "credit_usage"
        /// Computed by FlexPrice's billing services (priced usage), not read from a table.
        case usageAnalytics = "usage_analytics"

        /// The entity the exporter reads for it (nil for the exports it cannot produce): FlexPrice's
        /// `events` export is metered usage, ClickHouse's `meter_usage`.
        public var entity: EntityType? {
            switch self {
            case .events: .meterUsage
            case .invoice: .invoice
            case .creditTopups: .creditTopups
            case .creditUsage, .usageAnalytics: nil
            }
        }

        /// Why the exporter cannot produce this export, or nil when it can.
        public var unsupportedReason: String? {
            switch self {
            case .events, .invoice, .creditTopups: nil
            case .creditUsage, .usageAnalytics:
                "is \(rawValue), which FlexPrice's billing services compute (live balances, priced usage) "
                    + "rather than read from a table; the exporter does not export it: keep FlexPrice's own "
                    + "workflow for this task, or export feature_usage/meter_usage, invoice and credit_topups"
            }
        }
    }

    public let id: String
    public let connectionID: String
    /// `entity_type` as stored.
    public let entityType: String
    /// `"interval"` as stored.
    public let interval: String
    /// `job_config` as JSON text (nil for SQL NULL).
    public let jobConfig: String?

    public init(id: String, connectionID: String, entityType: String, interval: String, jobConfig: String?) {
        self.id = id
        self.connectionID = connectionID
        self.entityType = entityType
        self.interval = interval
        self.jobConfig = jobConfig
    }

    /// The export this task asks for.
    /// - Throws: ``ExportError/taskConfig(connection:task:field:problem:)`` naming `entity_type`.
    public func export() throws(ExportError) -> Export {
        guard let export = Export(rawValue: entityType) else {
            throw fail("entity_type", "is \"\(entityType.prefix(64))\"; expected one of "
                       + Export.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let reason = export.unsupportedReason { throw fail("entity_type", reason) }
        return export
    }

    /// The stream's settings, from `job_config` (FlexPrice's keys and defaults: compression none,
    /// encryption AES256), falling back to the connection's `sync_config.s3` for bucket and region.
    /// The format is CSV (FlexPrice's only one), the interval the task's own.
    ///
    /// - Throws: ``ExportError/taskConfig(connection:task:field:problem:)`` naming the key.
    public func settings(connectionSyncConfig: String?) throws(ExportError) -> ConnectionSettings {
        func fail(_ field: String, _ problem: String) -> ExportError { self.fail(field, problem) }
        let config: [String: JSONValue]
        if let text = jobConfig {
            guard let root = JSONValue.parse(text) else { throw fail("job_config", "is not valid JSON") }
            switch root {
            case .object(let object): config = object
            case .null: config = [:]
            default: throw fail("job_config", "is \(root.kind), not a JSON object")
            }
        } else {
            config = [:]
        }
        // The connection's own sync_config.s3, read leniently: only bucket and region fall back.
        var fallback: [String: JSONValue] = [:]
        if let text = connectionSyncConfig, let root = JSONValue.parse(text), case .object(let s3)? = root["s3"] {
            fallback = s3
        }
        let reader = FieldReader(object: config, fail: fail, path: "job_config.")
        func inherited(_ name: String) throws(ExportError) -> String {
            if let own = try reader.optionalString(name), !own.isEmpty { return own }
            if case .string(let value)? = fallback[name], !value.isEmpty { return value }
            throw fail("job_config.\(name)", "is missing, and the connection's sync_config.s3 has none either")
        }
        let bucket = try inherited("bucket")
        guard bucket.utf8.count <= 255, bucket.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw fail("job_config.bucket", "is not a valid bucket name")
        }
        let region = try inherited("region")
        guard region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw fail("job_config.region", "is not a region name such as us-west-2")
        }
        let keyPrefix = try reader.string("key_prefix", default: "")
        if keyPrefix.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            || keyPrefix.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            throw fail("job_config.key_prefix", "contains control characters or a '.' or '..' path segment")
        }
        let compression = try reader.enumeration("compression", default: CompressionSetting.none)
        guard compression == .none || compression == .gzip else {
            throw fail("job_config.compression", "is \(compression.rawValue); FlexPrice's exports take none or gzip")
        }
        let encryption = try reader.enumeration("encryption", default: ServerSideEncryption.aes256)
        var endpointURL = try reader.optionalString("endpoint_url")
        if endpointURL?.isEmpty == true { endpointURL = nil }
        let usePathStyle = try reader.bool("use_path_style", default: false)
        guard let interval = SyncInterval(rawValue: self.interval) ?? SyncInterval(rawValue: self.interval.lowercased()),
              interval.fixedSeconds.map({ $0 <= 86_400 }) == true else {
            throw fail("interval", "is \"\(self.interval.prefix(64))\"; expected one of 15MIN, 30MIN, hourly, daily "
                       + "(a custom schedule has no fixed windows to export)")
        }
        if let endpointURL, !ConnectionSettings.isEndpointURL(endpointURL) {
            throw fail("job_config.endpoint_url", "is not an http(s) URL")
        }
        return ConnectionSettings(
            bucket: bucket, region: region, keyPrefix: keyPrefix, compression: compression, encryption: encryption,
            endpointURL: endpointURL, virtualHostStyle: endpointURL == nil ? false : !usePathStyle,
            interval: interval, entityTypes: (try? export())?.entity.map { [$0] } ?? [], format: .csv,
            syncActive: true, flexpriceExport: entityType)
    }

    private func fail(_ field: String, _ problem: String) -> ExportError {
        .taskConfig(connection: connectionID, task: id, field: field, problem: problem)
    }
}
