import Foundation
import Synchronization

/// Collects what a log handler writes, for exact comparison.
final class LineCapture: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    var sink: @Sendable (String) -> Void {
        { line in self.storage.withLock { $0.append(line) } }
    }

    /// 2026-11-25T20:00:00.123Z
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_795_636_800.123) }
}
