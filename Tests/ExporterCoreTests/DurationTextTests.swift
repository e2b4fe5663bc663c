import ExporterCore
import Testing

/// Durations in logs are seconds rounded to the millisecond (issue 11).
struct DurationTextTests {
    @Test func roundsToMillisecondsWithThreeDecimals() {
        // The figure from the issue: 114.76280027300001 seconds.
        #expect(DurationText.seconds(.seconds(114) + .nanoseconds(762_800_273)) == "114.763s")
        #expect(DurationText.seconds(.zero) == "0.000s")
        #expect(DurationText.seconds(.milliseconds(5)) == "0.005s")
        #expect(DurationText.seconds(.milliseconds(1_050)) == "1.050s")
        #expect(DurationText.seconds(.seconds(3_600)) == "3600.000s")
    }

    @Test func roundsHalfUpAndCarriesIntoTheSeconds() {
        #expect(DurationText.seconds(.microseconds(499)) == "0.000s")
        #expect(DurationText.seconds(.microseconds(500)) == "0.001s")
        #expect(DurationText.seconds(.microseconds(1_999_600)) == "2.000s")
    }

    @Test func negativeDurationsKeepTheirSign() {
        #expect(DurationText.seconds(.milliseconds(-1_500)) == "-1.500s")
        #expect(DurationText.seconds(.microseconds(-400)) == "0.000s")
    }
}
