import ExporterCore
import ExporterProgress
import Testing

/// The human units of the progress line, exactly.
struct ProgressTextTests {
    @Test func countsGetThousandsSeparators() {
        #expect(ProgressText.count(0) == "0")
        #expect(ProgressText.count(999) == "999")
        #expect(ProgressText.count(1_000) == "1,000")
        #expect(ProgressText.count(168) == "168")
        #expect(ProgressText.count(1_234_567) == "1,234,567")
        #expect(ProgressText.count(-12_345) == "-12,345")
    }

    @Test func bytesUseBinaryUnitsWithOneDecimal() {
        #expect(ProgressText.bytes(0) == "0 B")
        #expect(ProgressText.bytes(1_023) == "1023 B")
        #expect(ProgressText.bytes(1_024) == "1.0 KiB")
        #expect(ProgressText.bytes(1_536) == "1.5 KiB")
        #expect(ProgressText.bytes(5_000_000) == "4.8 MiB")
        #expect(ProgressText.bytes(3 * 1_073_741_824) == "3.0 GiB")
        #expect(ProgressText.bytes(5 * 1_099_511_627_776 / 2) == "2.5 TiB")
    }

    @Test func roundingUpToTheNextUnitShowsTheNextUnit() {
        // 1023.96 KiB would read "1024.0 KiB".
        #expect(ProgressText.bytes(1_048_535) == "1.0 MiB")
        #expect(ProgressText.bytes(1_048_000) == "1023.4 KiB")
    }

    @Test func theLargestValueDoesNotOverflow() {
        #expect(ProgressText.bytes(Int64.max) == "8192.0 PiB")
    }

    @Test func ratesAreWholeRowsPerSecond() {
        #expect(ProgressText.rate(8_123.4) == "8,123 rows/s")
        #expect(ProgressText.rate(0.6) == "1 rows/s")
        #expect(ProgressText.rate(0) == "0 rows/s")
        #expect(ProgressText.rate(.infinity) == "0 rows/s")
        #expect(ProgressText.rate(.nan) == "0 rows/s")
    }

    @Test func windowsReadAsTheDatesTheyCover() throws {
        let day = try #require(Timestamp.parse("2026-11-20"))
        #expect(ProgressText.window(ExportWindow(start: day, end: day + 86_400)) == "2026-11-20")
        #expect(ProgressText.window(ExportWindow(containing: day, interval: .weekly)) == "2026-11-16..2026-11-23")
        #expect(ProgressText.window(ExportWindow(start: day + 6 * 3_600, end: day + 12 * 3_600))
            == "2026-11-20T06:00:00Z..2026-11-20T12:00:00Z")
    }

    @Test func aLineNamesTheRunAndItsFigures() throws {
        let day = try #require(Timestamp.parse("2026-11-20"))
        let key = RunKey(connectionID: "conn_01", tenantID: "t", environmentID: "", entity: .featureUsage,
                         interval: .daily, window: ExportWindow(start: day, end: day + 86_400))
        let progress = RunProgress(rows: 12_345, bytesRead: 1_258_291, bytesUploaded: 307_712, elapsed: .milliseconds(1_500))
        #expect(ProgressText.line(key, progress)
            == "conn_01 feature_usage 2026-11-20: 12,345 rows, 1.2 MiB read, 300.5 KiB uploaded, 8,230 rows/s")
        #expect(ProgressText.line(key, progress, position: (3, 7))
            == "conn_01 feature_usage 2026-11-20 (window 3 of 7): 12,345 rows, 1.2 MiB read, 300.5 KiB uploaded, 8,230 rows/s")
    }
}
