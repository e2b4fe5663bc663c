// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The pipeline, one target per stage:
/// source (PostgreSQL rows as libpq binary COPY, or ClickHouse usage as RowBinary over HTTP, both
/// `RowSource`s) -> encoder (CSV/JSON/NDJSON, or Parquet) -> compressor (gzip, zstd) -> sink (S3
/// multipart) -> table format (a Delta Lake commit, with `table_format: delta`) -> run history
/// (export_runs), driven by the engine (`ExportJob`: where a row becomes bytes, for either source)
/// and the `flexprice-exporter` CLI.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "flexprice-exporter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flexprice-exporter", targets: ["FlexpriceExporterCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // TLS settings for ClickHouse's https with a private CA (already in the graph through AsyncHTTPClient).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.36.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.0"),
        // Metrics: swift-prometheus' registry (on swift-metrics' core, pinned here) and
        // Hummingbird, the HTTP server that serves it.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Tests only: an independent RFC 4180 reader to check our CSV with.
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
    ],
    targets: [
        // Pure core: models, windows, key layout, connection settings, secret box. No I/O.
        .target(
            name: "ExporterCore",
            dependencies: [
                "SigV4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // AWS Signature Version 4, as S3 wants it.
        .target(
            name: "SigV4",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // libpq's C API (libpq-dev, installed by scripts/install-deps.sh); only ExporterDatabase imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Database: the one PostgreSQL client (libpq on a thread per connection, a pool, bound
        // statements, binary COPY out, typed errors). Nothing else talks to PostgreSQL.
        .target(
            name: "ExporterDatabase",
            dependencies: [
                "ExporterCore",
                "CLibPQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Source: FlexPrice's connections and entity rows (binary COPY) from PostgreSQL.
        .target(
            name: "ExporterSource",
            dependencies: [
                "ExporterCore",
                "ExporterDatabase",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // ClickHouse: usage where FlexPrice keeps it. The HTTP client (parameters bound, never
        // spliced; per-run query_id; retries), the RowBinaryWithNamesAndTypes reader that frames
        // rows as the response streams in, and the decoder where ClickHouse rows become FieldValues.
        .target(
            name: "ExporterClickHouse",
            dependencies: [
                "ExporterCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Encoder: rows -> CSV (RFC 4180), JSON, NDJSON bytes.
        .target(
            name: "ExporterEncoder",
            dependencies: [
                "ExporterCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Parquet: a self-contained file writer (Thrift compact footer, pages, encodings,
        // statistics); compression is injected per page, so it depends on nothing.
        .target(
            name: "ParquetWriter",
            swiftSettings: strict
        ),
        // Delta Lake: the table format over the Parquet files (issue 26): the log's actions as
        // JSON, a table's state replayed from its log, the commit of one window, checkpoints
        // (written with ParquetWriter). Pure: the engine does the I/O.
        .target(
            name: "DeltaLake",
            dependencies: [
                "ExporterCore",
                "ParquetWriter",
            ],
            swiftSettings: strict
        ),
        // Parquet encoder: exported rows -> ParquetWriter files (DESIGN §5a: the column types read
        // from PostgreSQL, GZIP/ZSTD page codecs over ExporterCompressor, rollover at row-group
        // boundaries). The columnar counterpart of the text encoders in ExporterEncoder.
        .target(
            name: "ParquetEncoder",
            dependencies: [
                "ExporterCore",
                "ExporterEncoder",
                "ExporterCompressor",
                "ParquetWriter",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // libzstd's C API (libzstd-dev, installed by scripts/install-deps.sh).
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // Compressor: streaming gzip (deterministic header), multithreaded zstd, or pass-through.
        .target(
            name: "ExporterCompressor",
            dependencies: [
                "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        // Sink: S3 client (SigV4, PutObject, multipart upload).
        .target(
            name: "ExporterSink",
            dependencies: [
                "ExporterCore",
                "SigV4",
                .product(name: "NIOCore", package: "swift-nio"),
                // NIOPosix: the blocking-I/O thread pool the endpoint policy's lookups run on.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Run history: the export_runs table and its migration.
        .target(
            name: "ExporterRunHistory",
            dependencies: [
                "ExporterCore",
                "ExporterDatabase",
                "DeltaLake",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Engine: one export job (source -> encoder -> compressor -> sink -> run history) and a sync pass.
        .target(
            name: "ExporterEngine",
            dependencies: [
                "ExporterCore",
                "ExporterSource",
                "ExporterClickHouse",
                "ExporterEncoder",
                "ParquetEncoder",
                "ParquetWriter",
                "DeltaLake",
                "ExporterCompressor",
                "ExporterSink",
                "ExporterRunHistory",
                "ExporterScheduler",
                "ExporterDatabase",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strict
        ),
        // Process integration: systemd notify protocol and log output formats.
        .target(
            name: "ExporterSystem",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Metrics and health: the Prometheus registry fed by a RunObserver, the /healthz verdict,
        // and the Hummingbird listener that serves both beside the daemon.
        .target(
            name: "ExporterMetrics",
            dependencies: [
                "ExporterCore",
                // The registry is used directly (a HELP text and buckets per metric, no global
                // MetricsSystem), not through swift-metrics' facade, whose factory gives neither.
                // CoreMetrics, which the registry builds on, is listed so the 2.13.0 minimum
                // above applies (swift-prometheus itself accepts 2.4.1).
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Scheduler: which windows are due, and the Dispatch timer that drives passes. Pure: it
        // links no database code (the run history's facts reach it as core values).
        .target(
            name: "ExporterScheduler",
            dependencies: [
                "ExporterCore",
            ],
            swiftSettings: strict
        ),
        // Daemon: the long-running ServiceLifecycle service (passes, signals, leases, shutdown).
        .target(
            name: "ExporterDaemon",
            dependencies: [
                "ExporterCore",
                "ExporterEngine",
                "ExporterScheduler",
                "ExporterRunHistory",
                "ExporterSystem",
                "ExporterDatabase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Progress: the terminal's live line for `sync` and `backfill`, and the daemon's progress
        // log, both run observers; pure apart from the output they are handed.
        .target(
            name: "ExporterProgress",
            dependencies: [
                "ExporterCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Warehouses: the DDL that makes a connection's exported objects a table in DuckDB, Athena,
        // Snowflake or BigQuery (`flexprice-exporter schema`). Pure text, no I/O.
        .target(
            name: "ExporterWarehouse",
            dependencies: ["ExporterCore"],
            swiftSettings: strict
        ),
        // The `flexprice-exporter` executable: command-line parsing and configuration only.
        .executableTarget(
            name: "FlexpriceExporterCLI",
            dependencies: [
                "ExporterCore",
                "ExporterDatabase",
                "ExporterSource",
                "ExporterClickHouse",
                "ExporterSink",
                "ExporterEngine",
                "ExporterDaemon",
                "ExporterMetrics",
                "ExporterScheduler",
                "ExporterSystem",
                "ExporterProgress",
                "ExporterWarehouse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            plugins: ["BuildInfoPlugin"]
        ),
        // Generates BuildInfo.swift (VERSION and the git commit) for `--version`, on every build.
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .testTarget(
            name: "ExporterCoreTests",
            dependencies: ["ExporterCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // Binary COPY reading and decoding, on byte fixtures captured from PostgreSQL 15.
        .testTarget(
            name: "ExporterSourceTests",
            dependencies: [
                "ExporterSource", "ExporterCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // RowBinary framing and decoding, on byte fixtures produced by ClickHouse 26.9's engine.
        .testTarget(
            name: "ExporterClickHouseTests",
            dependencies: [
                "ExporterClickHouse", "ExporterCore", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // Delta Lake: each action's JSON against the protocol's examples, log replay, the window
        // commit, checkpoints read back by delta-rs and DuckDB.
        .testTarget(
            name: "DeltaLakeTests",
            dependencies: ["DeltaLake", "ExporterCore", "ParquetWriter", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SigV4Tests",
            dependencies: ["SigV4"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterEncoderTests",
            dependencies: [
                "ExporterEncoder", "ExporterCompressor", "ExporterCore", "TestSupport",
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        // Helpers more than one test target uses (independent decoders: the zstd tool, the
        // Python with the Parquet readers; rows of cells that own their bytes).
        .target(
            name: "TestSupport",
            dependencies: ["ExporterCore", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ParquetWriterTests",
            dependencies: ["ParquetWriter", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ParquetEncoderTests",
            dependencies: [
                "ParquetEncoder", "ParquetWriter", "ExporterCore", "ExporterEncoder", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterDatabaseTests",
            dependencies: ["ExporterDatabase", "ExporterCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterSystemTests",
            dependencies: ["ExporterSystem", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterProgressTests",
            dependencies: ["ExporterProgress", "ExporterCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterSchedulerTests",
            dependencies: ["ExporterScheduler", "ExporterCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterMetricsTests",
            dependencies: ["ExporterMetrics", "ExporterCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExporterSinkTests",
            dependencies: [
                "ExporterSink", "ExporterCore", "SigV4", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // The warehouse DDL against golden files, one per engine and format.
        .testTarget(
            name: "ExporterWarehouseTests",
            dependencies: ["ExporterWarehouse", "ExporterCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ExporterCore", "ExporterEngine", "ExporterSource", "ExporterClickHouse", "ExporterSink", "ExporterRunHistory",
                "TestSupport",
                "ExporterDatabase",
                // TextLogHandler for the tests' own log file (TestServices.logger).
                "ExporterSystem",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets: one libFuzzer entry point (`LLVMFuzzerTestOneInput`) per parser of bytes from
// outside, each in a folder `Fuzz/<Name>/` with its seed corpus in `Fuzz/<Name>/Corpus/`. They
// exist only when EXPORTER_FUZZ is set (scripts/fuzz.sh, `make fuzz`), so the normal build never
// compiles them; adding a parser's fuzzer is adding its folder (one file: the entry point and
// `<Name>_main`, see Fuzz/Support). Built in debug (for `@testable import` of internal parsers)
// with `-sanitize=fuzzer,address`.
if Context.environment["EXPORTER_FUZZ"] != nil {
    let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: fuzz.path)) ?? []).filter { $0.hasPrefix("Fuzz") }.sorted()
    // libFuzzer's driver behind SwiftPM's renamed `main` (Fuzz/Support).
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Support", swiftSettings: strict))
    for name in names {
        package.targets.append(.executableTarget(
            name: name,
            dependencies: [
                "FuzzSupport", "ExporterCore", "ExporterSink", "ExporterSource", "ExporterSystem", "ExporterEngine",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Fuzz/\(name)",
            exclude: ["Corpus"],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ))
    }
}
