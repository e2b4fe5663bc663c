import ExporterCore
import ParquetWriter

/// The daemon-wide settings of how files are written (DESIGN §7): compression levels and the
/// Parquet row group size come from the environment, the format and codec from each connection.
public struct ExportFileOptions: Sendable {
    /// EXPORTER_GZIP_LEVEL, for gzip files and GZIP pages.
    public var gzipLevel: Int32
    /// EXPORTER_ZSTD_LEVEL, for zstd files and ZSTD pages.
    public var zstdLevel: Int32
    /// EXPORTER_PARQUET_ROW_GROUP_MB in bytes.
    public var parquetRowGroupBytes: Int
    /// Parquet's `created_by`: `flexprice-exporter version X.Y.Z (build H)`.
    public var parquetCreatedBy: String

    public init(gzipLevel: Int32 = 6, zstdLevel: Int32 = Int32(ExporterSettings.defaultZstdLevel),
                parquetRowGroupBytes: Int = ExporterSettings.defaultParquetRowGroupMB << 20,
                version: String = "0.0.0", build: String = "unknown") {
        self.gzipLevel = gzipLevel
        self.zstdLevel = zstdLevel
        self.parquetRowGroupBytes = parquetRowGroupBytes
        parquetCreatedBy = ParquetWriterOptions.createdBy(application: "flexprice-exporter", version: version, build: build)
    }

    /// The options `settings` set, for a build of `version` at commit `build`.
    public init(_ settings: ExporterSettings, version: String, build: String) {
        self.init(gzipLevel: Int32(settings.gzipLevel), zstdLevel: Int32(settings.zstdLevel),
                  parquetRowGroupBytes: settings.parquetRowGroupMB << 20, version: version, build: build)
    }
}
