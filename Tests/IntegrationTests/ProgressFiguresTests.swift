import ExporterCore
import ExporterEngine
import Foundation
import Synchronization
import Testing

/// The figures every progress display shows (the `sync`/`backfill` line, the daemon's `run
/// progress` log, the metrics), exact: rows; bytes read, against the binary COPY stream psql
/// itself receives for the same query; bytes uploaded, against the sizes moto stored. Read at the
/// engine's observer seam, which all of those displays are fed from.
@Suite(TestServices.needsServices())
struct ProgressFiguresTests {
    static let rows = 2_000
    /// Rows per batch: 20 batches of tuples, then the trailer alone, so there are many running totals.
    static let batch = 100

    /// Keeps every run event, for the test to read.
    final class Events: RunObserver {
        private let events = Mutex<[RunEvent]>([])
        func observe(_ event: RunEvent) { events.withLock { $0.append(event) } }
        var progressed: [RunProgress] {
            events.withLock { $0.compactMap { if case .progressed(_, _, let progress) = $0 { progress } else { nil } } }
        }
        var finished: [RunProgress] {
            events.withLock { $0.compactMap { if case .finished(_, _, _, _, let progress) = $0 { progress } else { nil } } }
        }
    }

    @Test(arguments: [CompressionSetting.none, .gzip])
    func theFiguresAreTheRowsTheBytesTheServerSentAndTheBytesTheBucketHolds(compression: CompressionSetting) async throws {
        try await TestServices.with { services in
            let window = ProxiedWindow.window
            let connection = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, compression: compression) },
                seed: { try await services.seedUsageRows(tenant: $0, count: Self.rows) })
            let events = Events()
            let engine = ExportEngine(
                postgres: services.postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey),
                logger: TestServices.logger,
                makeSink: ExportEngine.s3Sinks(http: services.http, logger: TestServices.logger, maxAttempts: 2,
                                               partSize: 5 * 1024 * 1024),
                batchSize: Self.batch, observer: events)
            let reports = try await engine.exportWindow(window, connectionID: connection.id, entities: nil)
            #expect(reports.count == 1 && !reports.contains(where: \.failed), "\(reports)")

            // What the server sends for the same query, received by psql: the bytes read, and where
            // each batch of tuples ends in them.
            let stream = try await Self.copyStream(services, tenant: connection.tenant, window: window)
            let boundaries = try Self.tupleEnds(stream)
            #expect(boundaries.count == Self.rows)
            // After each full batch: the bytes up to its last tuple; after the trailer's batch, all.
            let expectedRead = stride(from: Self.batch, through: Self.rows, by: Self.batch).map { Int64(boundaries[$0 - 1]) }
                + [Int64(stream.count)]

            // What the bucket holds: every data object the manifest lists, at its stored size.
            let run = try #require(try await services.runs(connection: connection.id).first)
            let keys = try await services.manifestObjects(bucket: connection.bucket, manifestKey: try #require(run.manifestKey))
            var stored: Int64 = 0
            for key in keys {
                let headers = try await services.headObject(bucket: connection.bucket, key: key)
                stored += try #require(headers["content-length"].flatMap { Int64($0) }, "\(key): \(headers)")
            }
            #expect(run.bytesUploaded == stored)

            let progressed = events.progressed
            // One figure per batch, then one as the encoder finishes (nothing more read).
            #expect(progressed.map(\.bytesRead) == expectedRead + [Int64(stream.count)],
                    "COPY stream \(stream.count) bytes; figures \(progressed.map(\.bytesRead))")
            #expect(progressed.last?.rows == Int64(Self.rows))
            #expect(zip(progressed, progressed.dropFirst()).allSatisfy { $0.rows <= $1.rows && $0.bytesUploaded <= $1.bytesUploaded },
                    "running totals only grow: \(progressed)")
            // Uncompressed, every byte is handed to the upload as it is encoded. gzip deflates 1 MiB
            // pieces, so what is handed over lags (here, all of it comes as the file is closed,
            // after the last figure); never more than the bucket ends up with.
            if compression == CompressionSetting.none {
                #expect(progressed.last?.bytesUploaded == stored, "\(progressed.map(\.bytesUploaded)) vs \(stored) stored")
            } else {
                #expect((progressed.last?.bytesUploaded ?? 0) <= stored, "\(progressed.map(\.bytesUploaded)) vs \(stored) stored")
            }

            let final = try #require(events.finished.first)
            #expect(events.finished.count == 1)
            #expect(final.rows == Int64(Self.rows))
            #expect(final.bytesRead == Int64(stream.count), "\(final.bytesRead) of \(stream.count)")
            #expect(final.bytesUploaded == stored, "\(final.bytesUploaded) of \(stored)")
        }
    }

    /// `COPY (SELECT <DESIGN's columns> ...) TO STDOUT (FORMAT binary)` for the window's usage
    /// rows of `tenant`, run by psql, and the bytes psql received. The columns and the order are
    /// written here from the contract (``DesignEntityTable``), not taken from the exporter.
    static func copyStream(_ services: Services, tenant: String, window: ExportWindow) async throws -> [UInt8] {
        let usage = try #require(DesignEntityTable.all.first { $0.entity == "feature_usage" })
        let columns = usage.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let sql = """
            COPY (SELECT \(columns) FROM feature_usage WHERE tenant_id = '\(tenant)' AND environment_id = ''
                  AND "timestamp" >= '\(Timestamp.rfc3339(seconds: window.start))'
                  AND "timestamp" < '\(Timestamp.rfc3339(seconds: window.end))'
                  ORDER BY "timestamp", id) TO STDOUT (FORMAT binary)
            """
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).bin")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", services.databaseURLString, "-c", sql]
        process.standardOutput = try FileHandle(forWritingTo: output)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let exited = try await eventually(timeout: .seconds(60), every: .milliseconds(20)) { !process.isRunning }
        try #require(exited, "psql did not finish the COPY")
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(process.terminationStatus == 0, "psql: \(message)")
        return Array(try Data(contentsOf: output))
    }

    /// Where each tuple of a binary COPY stream ends (offsets from the stream's start), by a walk
    /// over the format (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"):
    /// an 11-byte signature, flags and header-extension length, then per tuple a 16-bit field
    /// count and each field's 32-bit length (-1 for NULL) and bytes; -1 as the count ends it.
    static func tupleEnds(_ bytes: [UInt8]) throws -> [Int] {
        func int(_ at: Int, _ size: Int) throws -> Int {
            try #require(at + size <= bytes.count, "the stream ends at \(bytes.count), a field needs \(at + size)")
            let value = bytes[at..<(at + size)].reduce(0) { ($0 << 8) | Int($1) }
            return value >= 1 << (size * 8 - 1) ? value - (1 << (size * 8)) : value
        }
        var offset = 19 + (try int(15, 4))
        var ends: [Int] = []
        while true {
            let fields = try int(offset, 2)
            if fields == -1 { break }
            offset += 2
            for _ in 0..<fields {
                offset += 4 + max(try int(offset, 4), 0)
            }
            ends.append(offset)
        }
        try #require(offset + 2 == bytes.count, "\(bytes.count - offset - 2) bytes after the trailer")
        return ends
    }
}
