/// Tunables of ``ParquetFileWriter``; the defaults are what the exporter writes.
public struct ParquetWriterOptions: Sendable {
    /// `FileMetaData.created_by`, in the spec's form: see ``createdBy(application:version:build:)``.
    public var createdBy: String
    /// A data page is cut once its encoded values reach this many bytes (1 MiB, as Arrow and
    /// parquet-mr do): large enough to compress well, small enough to read selectively.
    public var pageSizeBytes: Int
    /// ... or this many values, which bounds the per-page level and index buffers.
    public var maxValuesPerPage: Int
    /// A row group closes once its buffered pages (encoded, plus the pages being filled and the
    /// dictionaries) reach this many bytes, so memory stays bounded whatever the row count.
    public var rowGroupBytes: Int
    /// ... or this many rows.
    public var maxRowsPerRowGroup: Int
    /// A column chunk's dictionary stops growing here; later values of the chunk are PLAIN.
    public var dictionaryByteLimit: Int
    /// Finished pages are compressed (all cores, one batch) once this many bytes of them wait
    /// uncompressed, and the rest at the row group's close. The pages' bytes do not depend on it;
    /// a row group held compressed takes more rows within ``rowGroupBytes``.
    public var compressionBatchBytes: Int
    /// String statistics longer than this are truncated and marked inexact.
    public var statisticsTruncateLength: Int
    /// Extra footer metadata.
    public var keyValueMetadata: [KeyValue]

    public init(
        createdBy: String,
        pageSizeBytes: Int = 1 << 20,
        maxValuesPerPage: Int = 20_000,
        rowGroupBytes: Int = 16 << 20,
        maxRowsPerRowGroup: Int = 1 << 20,
        dictionaryByteLimit: Int = 1 << 20,
        compressionBatchBytes: Int = 2 << 20,
        statisticsTruncateLength: Int = 64,
        keyValueMetadata: [KeyValue] = []
    ) {
        self.createdBy = createdBy
        self.pageSizeBytes = pageSizeBytes
        self.maxValuesPerPage = maxValuesPerPage
        self.rowGroupBytes = rowGroupBytes
        self.maxRowsPerRowGroup = maxRowsPerRowGroup
        self.dictionaryByteLimit = dictionaryByteLimit
        self.compressionBatchBytes = compressionBatchBytes
        self.statisticsTruncateLength = statisticsTruncateLength
        self.keyValueMetadata = keyValueMetadata
    }

    /// `<application> version <version> (build <build>)`, the form parquet.thrift documents for
    /// `created_by` and that readers parse.
    public static func createdBy(application: String, version: String, build: String) -> String {
        "\(application) version \(version) (build \(build))"
    }
}
