import ExporterCore
import Foundation
import Testing

/// The `metadata`, `file_url`, `file_name` and `file_type` of a FlexPrice task (DESIGN §6a).
struct FlexpriceTaskMetadataTests {
    static let window = ExportWindow(start: 1_763_596_800, end: 1_763_683_200) // 2025-11-20 .. 2025-11-21

    @Test func whileProcessing() throws {
        let metadata = FlexpriceTaskMetadata(window: Self.window, exportRunID: 42)
        #expect(try metadata.json() == #"{"end_time":"2025-11-21T00:00:00Z","export_run_id":42,"start_time":"2025-11-20T00:00:00Z"}"#)
    }

    @Test func whenCompleted() throws {
        let metadata = FlexpriceTaskMetadata(window: Self.window, exportRunID: 42).completed(
            fileSizeBytes: 123_456, completedAtMicros: 1_763_686_822_123_456,
            manifestKey: "exports/feature_usage/2025/11/20/feature_usage_20251120T000000Z_20251121T000000Z_manifest.json")
        #expect(try metadata.json() == """
            {"completed_at":"2025-11-21T01:00:22.123456Z","end_time":"2025-11-21T00:00:00Z","export_run_id":42,\
            "file_size_bytes":123456,\
            "manifest_key":"exports/feature_usage/2025/11/20/feature_usage_20251120T000000Z_20251121T000000Z_manifest.json",\
            "start_time":"2025-11-20T00:00:00Z"}
            """)
        // A whole second has no fraction, like FlexPrice's own `time.RFC3339`.
        let whole = FlexpriceTaskMetadata(window: Self.window, exportRunID: 1)
            .completed(fileSizeBytes: 0, completedAtMicros: 1_763_686_822_000_000, manifestKey: "m")
        #expect(whole.completedAt == "2025-11-21T01:00:22Z")
    }

    /// Keys with characters JSON must escape stay valid JSON.
    @Test func escapes() throws {
        let metadata = FlexpriceTaskMetadata(window: Self.window, exportRunID: 7)
            .completed(fileSizeBytes: 1, completedAtMicros: 0, manifestKey: "a \"quoted\"\\key\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(try metadata.json().utf8)) as? [String: Any]
        #expect(parsed?["manifest_key"] as? String == "a \"quoted\"\\key\n")
    }

    @Test func file() {
        let file = FlexpriceTaskFile(bucket: "acme-exports",
                                     key: "flexprice/feature_usage/2025/11/20/feature_usage_20251120T000000Z_20251121T000000Z.csv.gz")
        #expect(file.url == "s3://acme-exports/flexprice/feature_usage/2025/11/20/feature_usage_20251120T000000Z_20251121T000000Z.csv.gz")
        #expect(file.name == "feature_usage_20251120T000000Z_20251121T000000Z.csv.gz")
        #expect(FlexpriceTaskFile(bucket: "b", key: "top.csv").name == "top.csv")
    }

    /// FlexPrice's file_url is varchar(255): a longer URL is left empty rather than cut.
    @Test func aURLLongerThanTheColumnIsLeftEmpty() {
        let prefix = String(repeating: "p", count: 240)
        let fits = FlexpriceTaskFile(bucket: "b", key: String(repeating: "k", count: 248)) // "s3://b/" + 248 = 255
        #expect(fits.url.count == 255)
        #expect(FlexpriceTaskFile(bucket: "b", key: String(repeating: "k", count: 249)).url == "", "256 characters")
        let long = FlexpriceTaskFile(bucket: "b", key: prefix + "/invoice_20251120T000000Z_20251121T000000Z.json")
        #expect(long.url == "")
        #expect(long.name == "invoice_20251120T000000Z_20251121T000000Z.json")
    }

    @Test func fileTypes() {
        #expect(ExportFormat.allCases.map(\.flexpriceFileType) == ["CSV", "JSON", "NDJSON", "PARQUET"])
    }
}
