import ExporterCore
import Foundation
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

    @Test func aBackfillRangeStartsAtTheWindowHoldingFromAndEndsAtTheLastWholeWindow() throws {
        let days = ExportWindow.windows(from: try t("2026-11-20T13:00:00Z"), endingBy: try t("2026-11-23T12:00:00Z"),
                                        interval: .daily)
        #expect(days == [
            ExportWindow(start: try t("2026-11-20"), end: try t("2026-11-21")),
            ExportWindow(start: try t("2026-11-21"), end: try t("2026-11-22")),
            ExportWindow(start: try t("2026-11-22"), end: try t("2026-11-23")),
        ])
        let months = ExportWindow.windows(from: try t("2026-01-31"), endingBy: try t("2026-04-01"), interval: .monthly)
        #expect(months.map(\.compactStart) == ["20260101T000000Z", "20260201T000000Z", "20260301T000000Z"])
        let weeks = ExportWindow.windows(from: try t("2026-11-20"), endingBy: try t("2026-11-30"), interval: .weekly)
        #expect(weeks == [ExportWindow(start: try t("2026-11-16"), end: try t("2026-11-23")),
                          ExportWindow(start: try t("2026-11-23"), end: try t("2026-11-30"))])
        #expect(ExportWindow.windows(from: try t("2026-11-20"), endingBy: try t("2026-11-20T23:00:00Z"), interval: .daily).isEmpty)
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

    /// Foundation's Gregorian calendar in UTC, the independent reference for the window math;
    /// `iso` counts weeks the ISO 8601 way (Monday first, week 1 holds the first Thursday).
    static func calendars() throws -> (gregorian: Calendar, iso: Calendar) {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = try #require(TimeZone(identifier: "UTC"))
        var iso = gregorian
        iso.firstWeekday = 2
        iso.minimumDaysInFirstWeek = 4
        return (gregorian, iso)
    }

    /// Every day from 1999-12-01 to 2033-01-31 (leap and non-leap Februaries, 2000 included;
    /// every month and year end; ISO weeks across every year boundary, 53-week years included),
    /// at its first second, midday and last second: daily, weekly and monthly windows, and their
    /// next and previous windows, equal the calendar's day, ISO week and month.
    @Test func windowsMatchFoundationsGregorianCalendar() throws {
        let (gregorian, iso) = try Self.calendars()
        let first = try #require(gregorian.date(from: DateComponents(year: 1999, month: 12, day: 1)))
        let last = try #require(gregorian.date(from: DateComponents(year: 2033, month: 2, day: 1)))
        let components: [(SyncInterval, Calendar, Calendar.Component)] = [
            (.daily, gregorian, .day), (.weekly, iso, .weekOfYear), (.monthly, gregorian, .month),
        ]
        func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) }
        var mismatches: [String] = []
        var checked = 0
        var day = Int64(first.timeIntervalSince1970)
        while day < Int64(last.timeIntervalSince1970) {
            for instant in [day, day + 43_200, day + 86_399] {
                let date = Date(timeIntervalSince1970: TimeInterval(instant))
                for (interval, calendar, component) in components {
                    let expected = try #require(calendar.dateInterval(of: component, for: date))
                    let window = ExportWindow(containing: instant, interval: interval)
                    let want = ExportWindow(start: seconds(expected.start), end: seconds(expected.end))
                    checked += 1
                    if window != want { mismatches.append("\(interval) of \(date): \(window), calendar \(want)") }
                    if instant == day {
                        let next = try #require(calendar.dateInterval(of: component, for: expected.end))
                        let previous = try #require(calendar.dateInterval(of: component, for: expected.start - 1))
                        if window.next(interval) != ExportWindow(start: seconds(next.start), end: seconds(next.end)) {
                            mismatches.append("\(interval) after \(window): \(window.next(interval)), calendar \(next)")
                        }
                        if window.previous(interval) != ExportWindow(start: seconds(previous.start), end: seconds(previous.end)) {
                            mismatches.append("\(interval) before \(window): \(window.previous(interval)), calendar \(previous)")
                        }
                    }
                }
            }
            day += 86_400
        }
        #expect(checked == 12_116 * 3 * 3)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    /// Every month's length in century years (1900 and 2100 are not leap years, 2000 and 2400
    /// are) and around now, against the calendar and against the literal lengths.
    @Test func monthLengthsMatchTheCalendarInCenturyYears() throws {
        let (gregorian, _) = try Self.calendars()
        let literal: [Int: [Int]] = [
            1900: [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
            2000: [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
            2026: [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
            2028: [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
            2100: [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
            2400: [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
        ]
        for (year, lengths) in literal {
            for month in 1...12 {
                let date = try #require(gregorian.date(from: DateComponents(year: year, month: month, day: 15)))
                let window = ExportWindow(containing: Int64(date.timeIntervalSince1970), interval: .monthly)
                let days = Int((window.end - window.start) / 86_400)
                #expect(days == lengths[month - 1], "\(year)-\(month)")
                #expect(days == gregorian.range(of: .day, in: .month, for: date)?.count, "\(year)-\(month)")
                let start = try #require(gregorian.date(from: DateComponents(year: year, month: month, day: 1)))
                #expect(window.start == Int64(start.timeIntervalSince1970), "\(year)-\(month)")
            }
        }
    }

    /// ISO weeks at year boundaries, literally: the Monday each week starts on.
    @Test func isoWeeksAtYearBoundaries() throws {
        let cases: [(instant: String, monday: String)] = [
            ("2020-12-31T12:00:00Z", "2020-12-28"), // 2020 has 53 ISO weeks
            ("2021-01-03T23:59:59Z", "2020-12-28"), // a Sunday in week 53 of 2020
            ("2021-01-04T00:00:00Z", "2021-01-04"),
            ("2024-12-31T00:00:00Z", "2024-12-30"), // week 1 of 2025 starts in 2024
            ("2026-01-01T00:00:00Z", "2025-12-29"),
            ("2027-01-03T12:00:00Z", "2026-12-28"), // 2026 has 53 ISO weeks
            ("2032-02-29T12:00:00Z", "2032-02-23"), // a leap day that is a Sunday
        ]
        for (instant, monday) in cases {
            let window = ExportWindow(containing: try t(instant), interval: .weekly)
            #expect(window.start == (try t(monday)), "\(instant)")
            #expect(window.end - window.start == 7 * 86_400)
        }
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

    // MARK: sub-daily windows (FlexPrice's scheduled-task intervals), hand-computed

    /// Hourly, 30- and 15-minute windows, aligned to the hour, across a day, a month and a year end.
    @Test(arguments: [
        // instant, interval, expected start, expected end
        ("2026-12-31T23:59:59Z", SyncInterval.hourly, "2026-12-31T23:00:00Z", "2027-01-01T00:00:00Z"),
        ("2027-01-01T00:00:00Z", .hourly, "2027-01-01T00:00:00Z", "2027-01-01T01:00:00Z"),
        ("2026-11-30T23:30:00Z", .hourly, "2026-11-30T23:00:00Z", "2026-12-01T00:00:00Z"),
        ("2028-02-29T12:45:10Z", .hourly, "2028-02-29T12:00:00Z", "2028-02-29T13:00:00Z"),
        ("2026-12-31T23:59:59Z", .thirtyMinutes, "2026-12-31T23:30:00Z", "2027-01-01T00:00:00Z"),
        ("2026-11-30T10:29:59Z", .thirtyMinutes, "2026-11-30T10:00:00Z", "2026-11-30T10:30:00Z"),
        ("2026-11-30T10:30:00Z", .thirtyMinutes, "2026-11-30T10:30:00Z", "2026-11-30T11:00:00Z"),
        ("2026-12-31T23:59:59Z", .fifteenMinutes, "2026-12-31T23:45:00Z", "2027-01-01T00:00:00Z"),
        ("2026-11-30T10:14:59Z", .fifteenMinutes, "2026-11-30T10:00:00Z", "2026-11-30T10:15:00Z"),
        ("2026-11-30T10:15:00Z", .fifteenMinutes, "2026-11-30T10:15:00Z", "2026-11-30T10:30:00Z"),
        ("1969-12-31T23:59:59Z", .hourly, "1969-12-31T23:00:00Z", "1970-01-01T00:00:00Z"),
    ])
    func subDailyWindowsAreAlignedToTheHour(instant: String, interval: SyncInterval, start: String, end: String) throws {
        let window = ExportWindow(containing: try #require(Timestamp.parse(instant)), interval: interval)
        #expect(Timestamp.rfc3339(seconds: window.start) == start)
        #expect(Timestamp.rfc3339(seconds: window.end) == end)
    }

    @Test func hourlyStepsLatestDueAndBackfillRanges() throws {
        let t = { (s: String) throws -> Int64 in try #require(Timestamp.parse(s)) }
        let hour = ExportWindow(containing: try t("2026-12-31T23:10:00Z"), interval: .hourly)
        #expect(Timestamp.rfc3339(seconds: hour.next(.hourly).start) == "2027-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(seconds: hour.previous(.hourly).start) == "2026-12-31T22:00:00Z")
        // FlexPrice waits 15 minutes past the hour too: at 10:14:59 the 09:00 hour is not due yet.
        #expect(Timestamp.rfc3339(seconds: ExportWindow.latestDue(now: try t("2026-11-30T10:14:59Z"), grace: 900,
                                                                  interval: .hourly).start) == "2026-11-30T08:00:00Z")
        #expect(Timestamp.rfc3339(seconds: ExportWindow.latestDue(now: try t("2026-11-30T10:15:00Z"), grace: 900,
                                                                  interval: .hourly).start) == "2026-11-30T09:00:00Z")
        #expect(Timestamp.rfc3339(seconds: ExportWindow.latestDue(now: try t("2026-11-30T10:15:00Z"), grace: 900,
                                                                  interval: .fifteenMinutes).start) == "2026-11-30T09:45:00Z")
        // A backfill of three hours from 22:30 (the hour holding it) across midnight.
        let range = ExportWindow.windows(from: try t("2026-12-31T22:30:00Z"), endingBy: try t("2027-01-01T01:00:00Z"),
                                         interval: .hourly).map { Timestamp.rfc3339(seconds: $0.start) }
        #expect(range == ["2026-12-31T22:00:00Z", "2026-12-31T23:00:00Z", "2027-01-01T00:00:00Z"])
        #expect(ExportWindow.windows(from: try t("2026-11-30T00:00:00Z"), endingBy: try t("2026-12-01T00:00:00Z"),
                                     interval: .fifteenMinutes).count == 96)
    }
}
