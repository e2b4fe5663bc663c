/// The file formats a connection can choose (`sync_config.s3.format`).
public enum ExportFormat: String, Sendable, CaseIterable, Codable, Hashable {
    /// RFC 4180 CSV with a header row.
    case csv
    /// One JSON array of objects per file.
    case json
    /// One JSON object per line.
    case ndjson
    /// Apache Parquet, typed columns (DESIGN §5a); compressed inside the file, page by page.
    case parquet

    public var fileExtension: String { rawValue }

    /// The Content-Type stored with the object (DESIGN §5).
    public var contentType: String {
        switch self {
        case .csv: "text/csv"
        case .json: "application/json"
        case .ndjson: "application/x-ndjson"
        case .parquet: "application/vnd.apache.parquet"
        }
    }

    /// Whether `compression` wraps the whole file (a `.gz`/`.zst` suffix and a
    /// Content-Encoding), as for the text formats; Parquet compresses each page inside the file
    /// instead, so its objects are plain `.parquet` that every engine opens directly.
    public var compressesWholeFile: Bool { self != .parquet }

    /// The suffix after the extension for `compression`: none for Parquet.
    public func fileSuffix(_ compression: CompressionSetting) -> String {
        compressesWholeFile ? compression.fileSuffix : ""
    }

    /// The Content-Encoding stored with an object of this format: none for Parquet.
    public func contentEncoding(_ compression: CompressionSetting) -> String? {
        compressesWholeFile ? compression.contentEncoding : nil
    }
}

/// How data objects are compressed (`sync_config.s3.compression`).
public enum CompressionSetting: String, Sendable, CaseIterable, Codable, Hashable {
    /// gzip (RFC 1952), the default: every tool reads it.
    case gzip
    /// Stored as encoded.
    case none
    /// Zstandard (RFC 8878): faster and smaller than gzip, multithreaded.
    case zstd

    /// `.gz`, `.zst` or nothing, appended after the format's extension.
    public var fileSuffix: String {
        switch self {
        case .gzip: ".gz"
        case .zstd: ".zst"
        case .none: ""
        }
    }

    /// The Content-Encoding stored with the object, if any (RFC 8878 §7.2 registers `zstd`).
    public var contentEncoding: String? {
        switch self {
        case .gzip: "gzip"
        case .zstd: "zstd"
        case .none: nil
        }
    }
}

/// Server-side encryption requested on every upload (`sync_config.s3.encryption`).
public enum ServerSideEncryption: String, Sendable, CaseIterable, Codable, Hashable {
    case aes256 = "AES256"
    case kms = "aws:kms"
    case kmsDSSE = "aws:kms:dsse"

    public var usesKMS: Bool { self != .aes256 }
}
