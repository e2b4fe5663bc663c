/// What ``RunRecorder/begin(_:trigger:)`` did with a window.
public enum RunStart: Sendable, Hashable {
    /// The run was recorded as `running` with this id: export the window.
    case started(Int64)
    /// A scheduled trigger found the window already succeeded: nothing to do.
    case alreadySucceeded
    /// A live run of another worker holds the window.
    case runningElsewhere(RunningElsewhere)

    /// The new run's id, when one was started.
    public var runID: Int64? {
        if case .started(let id) = self { return id }
        return nil
    }
}
