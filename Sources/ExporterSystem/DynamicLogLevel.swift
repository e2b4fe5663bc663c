import Logging
import Synchronization

/// One log level shared by every logger in the process, changeable while it runs.
///
/// swift-log copies a handler's level into each `Logger`, so a SIGHUP that re-reads
/// `EXPORTER_LOG_LEVEL` could not reach loggers already handed out; handlers that read their level
/// from this shared box instead all follow the change at once.
public final class DynamicLogLevel: Sendable {
    private let storage: Mutex<Logger.Level>

    public init(_ level: Logger.Level) {
        storage = Mutex(level)
    }

    /// The current level; setting it affects every handler created with this box.
    public var level: Logger.Level {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
