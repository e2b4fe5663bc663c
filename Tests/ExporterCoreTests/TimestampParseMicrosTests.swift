import ExporterCore
import Testing

/// Timestamp.parseMicros reads PostgreSQL's ISO output as well as RFC 3339.
struct TimestampParseMicrosTests {
    @Test(arguments: [
        ("2026-11-27 15:22:39+00", Int64(1_795_792_959_000_000)),
        ("2026-11-27 15:22:39.5+00", Int64(1_795_792_959_500_000)),
        ("2026-11-27 15:22:39.123456+00", Int64(1_795_792_959_123_456)),
        ("2026-11-27 17:22:39+02", Int64(1_795_792_959_000_000)),
        ("2026-11-27 10:52:39-04:30", Int64(1_795_792_959_000_000)),
        ("1969-12-31 23:59:59.999999+00", Int64(-1)),
        ("2026-11-27T15:22:39.5Z", Int64(1_795_792_959_500_000)),
        ("2026-11-27", Int64(1_795_737_600_000_000)),
    ])
    func isoOutputParsesToTheMicrosecond(text: String, micros: Int64) {
        #expect(Timestamp.parseMicros(text) == micros)
    }

    @Test(arguments: ["2026-11-27 15:22:39", "11/27/2026 15:22:39", "2026-11-27 15:22:39+00 BC", "2026-13-01 00:00:00+00",
                      "2026-02-30 00:00:00+00", "infinity", ""])
    func otherFormsAreRefused(text: String) {
        #expect(Timestamp.parseMicros(text) == nil)
    }
}
