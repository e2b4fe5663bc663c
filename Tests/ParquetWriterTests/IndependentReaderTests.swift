import Foundation
@testable import ParquetWriter
import TestSupport
import Testing

/// Files written by ``ParquetFileWriter`` read back by three independent readers (pyarrow,
/// DuckDB, fastparquet): every value compared, pyarrow's statistics checked against the data,
/// and the footer layout (offsets, sizes, exactness flags) checked through fastparquet's parser.
@Suite(.enabled(if: ReaderPython.shouldRun, "no Parquet reader venv: run scripts/install-parquet-readers.sh"))
struct IndependentReaderTests {
    @Test func filesReadBackWithEveryReader() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parquet-readers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["PARQUET_KEEP_FILES"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        let fixtures = [
            ReaderFixtures.allTypes(), ReaderFixtures.gzip(), ReaderFixtures.defaults(), ReaderFixtures.empty(),
        ]
        var paths: [String] = []
        var fileBytes: [String: [UInt8]] = [:]
        for fixture in fixtures {
            let (bytes, _) = try fixture.write()
            let path = directory.appendingPathComponent(fixture.name + ".parquet").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
            fileBytes[path] = bytes
        }
        let results = try ReaderPython.read(paths, in: directory)
        if let dump = ProcessInfo.processInfo.environment["PARQUET_DUMP_JSON"] {
            try JSONSerialization.data(withJSONObject: results).write(to: URL(fileURLWithPath: dump))
        }
        for (fixture, path) in zip(fixtures, paths) {
            let result = try #require(results[path] as? [String: Any], "no result for \(fixture.name)")
            ReaderChecks(fixture: fixture, fileBytes: fileBytes[path] ?? [], result: result).run()
        }
    }
}
