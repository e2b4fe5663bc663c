import ExporterEngine

/// The counts a daemon pass reports: runs that succeeded, failed, and were skipped (another
/// worker held the window).
struct PassSummary: Sendable, Equatable {
    var succeeded = 0
    var failed = 0
    var skipped = 0

    init(_ reports: [RunReport]) {
        for report in reports {
            switch report.result {
            case .succeeded: succeeded += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            case .planned: break
            }
        }
    }
}
