import ExporterCore
import Testing

/// Window math (DESIGN §4): UTC, half-open, daily / ISO-weekly / monthly.
struct ExportWindowTests {
    func t(_ text: String) throws -> Int64 { try #require(Timestamp.parse(text)) }

    @Test func dailyWindowContainsTheInstant() throws {
        let w = ExportWindow(containing: try t("2026-11-20T13:45:00Z"), interval: .daily)
        #expect(w == ExportWindow(start: try t("2026-11-20"), end: try t("2026-11-21")))
        #expect(w.compactStart == "20261120T000000Z")
        #expect(w.compactEnd == "20261121T000000Z")
    }

    @Test func midnightBelongsToTheDayItStarts() throws {
        let w = ExportWindow(containing: try t("2026-11-21T00:00:00Z"), interval: .daily)
        #expect(w.start == (try t("2026-11-21")))
    }

    @Test func isoWeekStartsOnMondayAcrossAYearBoundary() throws {
        // 2027-01-01 is a Friday; its ISO week starts Monday 2026-12-28.
        let w = ExportWindow(containing: try t("2027-01-01T10:00:00Z"), interval: .weekly)
        #expect(w == ExportWindow(start: try t("2026-12-28"), end: try t("2027-01-04")))
        // A Sunday belongs to the week that started six days earlier.
        let sunday = ExportWindow(containing: try t("2026-11-29T23:59:59Z"), interval: .weekly)
        #expect(sunday == ExportWindow(start: try t("2026-11-23"), end: try t("2026-11-30")))
    }

    @Test func monthlyHandlesMonthEndsAndLeapYears() throws {
        #expect(ExportWindow(containing: try t("2028-02-29T12:00:00Z"), interval: .monthly)
                == ExportWindow(start: try t("2028-02-01"), end: try t("2028-03-01")))
        #expect(ExportWindow(containing: try t("2026-02-28T23:00:00Z"), interval: .monthly).end == (try t("2026-03-01")))
        #expect(ExportWindow(containing: try t("2026-12-31T23:59:59Z"), interval: .monthly)
                == ExportWindow(start: try t("2026-12-01"), end: try t("2027-01-01")))
    }

    @Test func nextAndPreviousStep() throws {
        let jan = ExportWindow(containing: try t("2026-01-15"), interval: .monthly)
        #expect(jan.next(.monthly) == ExportWindow(start: try t("2026-02-01"), end: try t("2026-03-01")))
        #expect(jan.previous(.monthly) == ExportWindow(start: try t("2025-12-01"), end: try t("2026-01-01")))
    }

    @Test func latestDueWaitsForGrace() throws {
        let grace: Int64 = 15 * 60
        // 00:10 on the 21st: the 20th ended 10 minutes ago, still inside the grace period.
        #expect(ExportWindow.latestDue(now: try t("2026-11-21T00:10:00Z"), grace: grace, interval: .daily)
                == ExportWindow(start: try t("2026-11-19"), end: try t("2026-11-20")))
        #expect(ExportWindow.latestDue(now: try t("2026-11-21T00:15:00Z"), grace: grace, interval: .daily)
                == ExportWindow(start: try t("2026-11-20"), end: try t("2026-11-21")))
    }

    @Test func civilDateRoundTripsEveryDayOfFourHundredYears() {
        var days = CivilDate(year: 1900, month: 1, day: 1).daysSinceEpoch
        let end = CivilDate(year: 2300, month: 1, day: 1).daysSinceEpoch
        var previous = CivilDate(daysSinceEpoch: days - 1)
        while days < end {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            let nextDayOfMonth = date.day == 1 ? 1 : previous.day + 1
            #expect(date.day == nextDayOfMonth)
            previous = date
            days += 1
        }
    }
}

struct TimestampTests {
    @Test func rfc3339ShowsMicrosecondsOnlyWhenNonZero() {
        // 2025-10-11T14:30:22Z = 1760193022
        #expect(Timestamp.rfc3339(micros: 1_760_193_022_123_456) == "2025-10-11T14:30:22.123456Z")
        #expect(Timestamp.rfc3339(micros: 1_760_193_022_000_000) == "2025-10-11T14:30:22Z")
        #expect(Timestamp.rfc3339(micros: 1_760_193_022_000_001) == "2025-10-11T14:30:22.000001Z")
        #expect(Timestamp.rfc3339(micros: -1) == "1969-12-31T23:59:59.999999Z")
    }

    @Test func parsesDatesAndRFC3339() {
        #expect(Timestamp.parse("2026-11-20") == 1_795_132_800)
        #expect(Timestamp.parse("2026-11-20T00:00:00Z") == 1_795_132_800)
        #expect(Timestamp.parse("2026-11-20T02:00:00+02:00") == 1_795_132_800)
        #expect(Timestamp.parse("2026-11-20T00:00:00.5Z") == 1_795_132_800)
        #expect(Timestamp.parse("2026-02-30") == nil)
        #expect(Timestamp.parse("2026-11-20T00:00:00") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
    }
}
