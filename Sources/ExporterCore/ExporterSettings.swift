/// The daemon's own settings (DESIGN §7), read from the environment or a config file.
///
/// Parsing is separate from where values come from (`lookup`), so tests pass a dictionary and
/// the CLI passes swift-configuration's reader.
public struct ExporterSettings: Sendable {
    public enum LogFormat: String, Sendable { case text, json }
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    public var databaseURL: DatabaseURL?
    /// EXPORTER_CLICKHOUSE_URL (+ EXPORTER_CLICKHOUSE_PASSWORD, EXPORTER_CLICKHOUSE_CA_FILE): FlexPrice's
    /// ClickHouse, where usage is read from (`meter_usage`, `events`, `feature_usage`). Nil when unset:
    /// then `feature_usage` is read from PostgreSQL and the ClickHouse-only entities are a
    /// configuration error for the streams that name them.
    public var clickHouseURL: ClickHouseURL?
    /// FLEXPRICE_SECRETS_ENCRYPTION_KEY. Never logged.
    public var encryptionKey: String?
    public var tickSeconds: Int = 60
    public var graceSeconds: Int = 900
    public var catchupLimit: Int = 31
    public var maxConcurrency: Int = 4
    public var shutdownSeconds: Int = 30
    public var historyDays: Int = 90
    /// EXPORTER_DELTA_RETENTION_HOURS: how long a file a Delta table removed stays in the bucket
    /// (time travel reads it) before `vacuum` deletes it; Delta's own default, 7 days.
    public var deltaRetentionHours: Int = 168
    public var logLevel: LogLevel = .info
    public var logFormat: LogFormat = .text
    /// EXPORTER_S3_MAX_ATTEMPTS: tries per S3 request before a run fails.
    public var s3MaxAttempts: Int = 5
    /// EXPORTER_S3_PART_SIZE_MB: the multipart part size (S3's minimum is 5). Default 6: two parts
    /// are held at once, and 6 is the smallest size whose doubling every 1,000 parts still fits a
    /// 5 TiB object in 10,000 parts (5 would reach 4.88 TiB).
    public var partSizeMB: Int = 6
    /// EXPORTER_GZIP_LEVEL: zlib level for `compression: gzip`, 1 (fastest) to 9 (smallest).
    public var gzipLevel: Int = 6
    /// EXPORTER_ZSTD_LEVEL: zstd level for `compression: zstd`, 1 (fastest) to 19 (smallest);
    /// 3 is zstd's own default. zstd's `--ultra` levels 20 to 22 are refused: their windows of
    /// up to 128 MiB, per worker thread, do not fit an exporter's memory.
    public var zstdLevel: Int = defaultZstdLevel
    public static let defaultZstdLevel = 3
    /// EXPORTER_FETCH_ROWS: rows read between two hand-overs to the upload; memory grows with it. Two batches are held
    /// (one read, one compressed): 5,000 keeps a 1M-row export under 64 MiB of peak RSS with
    /// no measurable loss of speed against 10,000 (issue 6).
    public static let defaultFetchRows = 5_000
    public var fetchRows: Int = defaultFetchRows
    /// EXPORTER_PARQUET_ROW_GROUP_MB: a Parquet row group closes once what it holds reaches this
    /// size and goes straight into the upload; memory grows with it (about 1.1 MiB per MiB per
    /// export in flight). 6 keeps an export within 64 MiB (issue 12); engines read larger groups
    /// somewhat faster.
    public static let defaultParquetRowGroupMB = 6
    public var parquetRowGroupMB: Int = defaultParquetRowGroupMB
    /// EXPORTER_SINK_DIRECTORY: write every object to `<dir>/<bucket>/<key>` instead of S3.
    /// For benchmarks and development; the daemon's own setting, never a connection's.
    public var sinkDirectory: String?
    /// EXPORTER_METRICS_ADDRESS: where `run` serves /metrics and /healthz; nil when `off`.
    public var metricsAddress: MetricsAddress? = .defaultAddress
    /// EXPORTER_PROGRESS_LOG_SECONDS: how often the daemon logs `run progress` for a run that is
    /// still going. Meant for tests (which cannot wait the default 30 s); operators leave it unset.
    public var progressLogSeconds: Int = 30
    /// EXPORTER_FLEXPRICE_TASKS: also record every run in FlexPrice's own `tasks` table (DESIGN
    /// §6a), so FlexPrice's dashboard and `GET /v1/tasks` list the exports. Off by default.
    public var flexpriceTasks: Bool = false
    /// EXPORTER_FLEXPRICE_SCHEDULED_TASKS: also export every enabled, published row of FlexPrice's
    /// `scheduled_tasks` (how current FlexPrice defines its exports), each as a stream of its own
    /// with FlexPrice's key layout and CSV headers. Off by default.
    public var flexpriceScheduledTasks: Bool = false
    /// EXPORTER_ALLOW_PRIVATE_ENDPOINTS: a connection's `endpoint_url` may point at loopback and
    /// private networks (RFC 1918, 100.64.0.0/10, fc00::/7): the operator's own MinIO. Off by
    /// default, since tenants write `endpoint_url`.
    public var allowPrivateEndpoints: Bool = false
    /// EXPORTER_ALLOW_HTTP_ENDPOINTS: a connection's `endpoint_url` may be plain `http://`.
    public var allowHTTPEndpoints: Bool = false
    /// The endpoint policy these settings make.
    public var endpointPolicy: EndpointPolicy {
        EndpointPolicy(allowPrivate: allowPrivateEndpoints, allowHTTP: allowHTTPEndpoints)
    }
    /// What reading the settings found and ignored (an unknown key, a line without "="): not a
    /// setting, but for the command to log once, at warning, as soon as its logger exists.
    public var warnings: [String] = []

    public init() {}

    /// The secret settings, each of which may also come from a file (`<KEY>_FILE`) or a systemd
    /// credential named `<KEY>`: adding a key here is all a new secret setting needs for that.
    public static let secretKeys: [String] = [
        "DATABASE_URL", "FLEXPRICE_SECRETS_ENCRYPTION_KEY", "EXPORTER_CLICKHOUSE_URL", "EXPORTER_CLICKHOUSE_PASSWORD",
    ]

    /// Every key the exporter reads, with its meaning: the source of config/exporter.env.example.
    public static let keys: [String] = secretKeys.map { $0 + "_FILE" } + [
        "DATABASE_URL", "FLEXPRICE_SECRETS_ENCRYPTION_KEY", "EXPORTER_TICK_SECONDS", "EXPORTER_GRACE_SECONDS",
        "EXPORTER_CATCHUP_LIMIT", "EXPORTER_MAX_CONCURRENCY", "EXPORTER_SHUTDOWN_SECONDS", "EXPORTER_HISTORY_DAYS",
        "EXPORTER_LOG_LEVEL", "EXPORTER_LOG_FORMAT", "EXPORTER_S3_MAX_ATTEMPTS", "EXPORTER_S3_PART_SIZE_MB",
        "EXPORTER_GZIP_LEVEL", "EXPORTER_ZSTD_LEVEL", "EXPORTER_FETCH_ROWS", "EXPORTER_PARQUET_ROW_GROUP_MB",
        "EXPORTER_SINK_DIRECTORY", "EXPORTER_METRICS_ADDRESS", "EXPORTER_PROGRESS_LOG_SECONDS",
        "EXPORTER_FLEXPRICE_TASKS", "EXPORTER_FLEXPRICE_SCHEDULED_TASKS",
        "EXPORTER_CLICKHOUSE_URL", "EXPORTER_CLICKHOUSE_PASSWORD", "EXPORTER_CLICKHOUSE_CA_FILE",
        "EXPORTER_ALLOW_PRIVATE_ENDPOINTS", "EXPORTER_ALLOW_HTTP_ENDPOINTS", "EXPORTER_DELTA_RETENTION_HOURS",
    ]

    /// Reads every setting through `lookup`; unset keys keep their defaults, malformed ones throw.
    public init(lookup: (String) -> String?) throws(SettingsError) {
        func value(_ name: String) -> String? {
            guard let v = lookup(name)?.trimmingSpaces, !v.isEmpty else { return nil }
            return v
        }
        func int(_ name: String, _ range: ClosedRange<Int>, default fallback: Int) throws(SettingsError) -> Int {
            guard let text = value(name) else { return fallback }
            guard let n = Int(text), range.contains(n) else {
                throw .invalid(name: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text.prefix(32))\"")
            }
            return n
        }
        if let url = value("DATABASE_URL") { databaseURL = try DatabaseURL.parse(url) }
        if let url = value("EXPORTER_CLICKHOUSE_URL") {
            clickHouseURL = try ClickHouseURL.parse(url, password: lookup("EXPORTER_CLICKHOUSE_PASSWORD"),
                                                    caFile: value("EXPORTER_CLICKHOUSE_CA_FILE"))
        }
        encryptionKey = lookup("FLEXPRICE_SECRETS_ENCRYPTION_KEY").flatMap { $0.isEmpty ? nil : $0 }
        tickSeconds = try int("EXPORTER_TICK_SECONDS", 1...86_400, default: 60)
        graceSeconds = try int("EXPORTER_GRACE_SECONDS", 0...(31 * 86_400), default: 900)
        catchupLimit = try int("EXPORTER_CATCHUP_LIMIT", 1...10_000, default: 31)
        maxConcurrency = try int("EXPORTER_MAX_CONCURRENCY", 1...256, default: 4)
        shutdownSeconds = try int("EXPORTER_SHUTDOWN_SECONDS", 0...3_600, default: 30)
        historyDays = try int("EXPORTER_HISTORY_DAYS", 1...36_500, default: 90)
        deltaRetentionHours = try int("EXPORTER_DELTA_RETENTION_HOURS", 0...87_600, default: 168)
        s3MaxAttempts = try int("EXPORTER_S3_MAX_ATTEMPTS", 1...20, default: 5)
        partSizeMB = try int("EXPORTER_S3_PART_SIZE_MB", 5...5_120, default: 6)
        gzipLevel = try int("EXPORTER_GZIP_LEVEL", 1...9, default: 6)
        zstdLevel = try int("EXPORTER_ZSTD_LEVEL", 1...19, default: Self.defaultZstdLevel)
        fetchRows = try int("EXPORTER_FETCH_ROWS", 100...1_000_000, default: Self.defaultFetchRows)
        parquetRowGroupMB = try int("EXPORTER_PARQUET_ROW_GROUP_MB", 1...1_024, default: Self.defaultParquetRowGroupMB)
        sinkDirectory = value("EXPORTER_SINK_DIRECTORY")
        if let address = value("EXPORTER_METRICS_ADDRESS") { metricsAddress = try MetricsAddress.parse(address) }
        progressLogSeconds = try int("EXPORTER_PROGRESS_LOG_SECONDS", 1...86_400, default: 30)
        func flag(_ name: String) throws(SettingsError) -> Bool {
            guard let text = value(name) else { return false }
            switch text.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw .invalid(name: name, problem: "must be true or false, got \"\(text.prefix(32))\"")
            }
        }
        flexpriceTasks = try flag("EXPORTER_FLEXPRICE_TASKS")
        flexpriceScheduledTasks = try flag("EXPORTER_FLEXPRICE_SCHEDULED_TASKS")
        allowPrivateEndpoints = try flag("EXPORTER_ALLOW_PRIVATE_ENDPOINTS")
        allowHTTPEndpoints = try flag("EXPORTER_ALLOW_HTTP_ENDPOINTS")
        if let level = value("EXPORTER_LOG_LEVEL") {
            guard let parsed = LogLevel(rawValue: level.lowercased()) else {
                throw .invalid(name: "EXPORTER_LOG_LEVEL",
                               problem: "must be one of \(LogLevel.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(level.prefix(32))\"")
            }
            logLevel = parsed
        }
        if let format = value("EXPORTER_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw .invalid(name: "EXPORTER_LOG_FORMAT", problem: "must be text or json, got \"\(format.prefix(32))\"")
            }
            logFormat = parsed
        }
    }

    public func requireDatabaseURL() throws(SettingsError) -> DatabaseURL {
        guard let databaseURL else { throw .missing(name: "DATABASE_URL") }
        return databaseURL
    }

    public func requireEncryptionKey() throws(SettingsError) -> String {
        guard let encryptionKey else { throw .missing(name: "FLEXPRICE_SECRETS_ENCRYPTION_KEY") }
        return encryptionKey
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
