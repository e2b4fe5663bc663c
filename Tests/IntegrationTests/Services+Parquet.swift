import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import Testing

/// Helpers for the Parquet integration tests: an engine with a chosen row-group size, and the
/// exported objects downloaded into a folder the readers open.
extension Services {
    /// The version and build the test engine writes into `created_by`.
    static let parquetTestVersion = (version: "9.8.7", build: "pqtest")

    /// An engine writing Parquet row groups of `rowGroupMB` (EXPORTER_PARQUET_ROW_GROUP_MB,
    /// through ``ExporterSettings`` as the daemon sets it).
    func parquetEngine(rowGroupMB: Int = ExporterSettings.defaultParquetRowGroupMB, batchSize: Int = 4_000) -> ExportEngine {
        var settings = ExporterSettings()
        settings.parquetRowGroupMB = rowGroupMB
        let files = ExportFileOptions(settings, version: Self.parquetTestVersion.version, build: Self.parquetTestVersion.build)
        return ExportEngine(postgres: postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey), logger: TestServices.logger,
                            makeSink: ExportEngine.s3Sinks(http: http, logger: TestServices.logger, maxAttempts: 2,
                                                           partSize: 5 * 1024 * 1024),
                            batchSize: batchSize, files: files)
    }

    /// Downloads `key` into `directory` (named after the key's last component) and returns the
    /// object with its local path.
    func download(bucket: String, key: String, into directory: URL) async throws -> DownloadedObject {
        let object = try await fetch(bucket: bucket, key: key, gzip: false)
        let path = directory.appendingPathComponent(bucket + "-" + (key.split(separator: "/").last.map(String.init) ?? "object")).path
        try Data(object.raw.readableBytesView).write(to: URL(fileURLWithPath: path))
        return DownloadedObject(key: key, path: path, bytes: object.raw, headers: object.headers)
    }

    /// The manifest of a window's export, parsed.
    func manifest(bucket: String, key: String) async throws -> [String: Any] {
        let object = try await fetch(bucket: bucket, key: key, gzip: false)
        return try #require(try JSONSerialization.jsonObject(with: Data(object.text.utf8)) as? [String: Any], "\(key) is no JSON object")
    }
}

/// An object fetched from moto and written to a local file.
struct DownloadedObject: Sendable {
    let key: String
    let path: String
    let bytes: ByteBuffer
    let headers: [String: String]

    /// Parquet's magic at both ends.
    var isParquetFramed: Bool {
        let view = bytes.readableBytesView
        return view.count >= 12 && Array(view.prefix(4)) == Array("PAR1".utf8) && Array(view.suffix(4)) == Array("PAR1".utf8)
    }
}

/// A folder for one test's downloaded files, removed afterwards unless PARQUET_KEEP_FILES is set.
func withScratchDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parquet-it-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer {
        if ProcessInfo.processInfo.environment["PARQUET_KEEP_FILES"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
    return try await body(directory)
}
