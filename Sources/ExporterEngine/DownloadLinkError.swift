/// Why `url` cannot link what it was asked for. Each names the run or connection; the CLI turns
/// them into exit codes (``isConfigurationProblem``: 78, otherwise 64: the arguments name
/// nothing that can be linked).
public enum DownloadLinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No export_runs row has this id (never existed, or pruned after EXPORTER_HISTORY_DAYS).
    case unknownRun(Int64)
    /// The run did not succeed (failed, abandoned, or still running): it has no complete set of
    /// objects, so links to whatever its keys hold would not be its data.
    case runNotSucceeded(runID: Int64, status: String, error: String?)
    /// The window was exported again by a later run, whose objects replaced this run's under the
    /// same keys (DESIGN §5: re-running a window overwrites them).
    case runReplaced(runID: Int64, by: Int64, manifestKey: String)
    /// The run's manifest is no longer in the bucket: a later export of the window that failed
    /// removed it (the window is absent until one succeeds), or someone deleted it.
    case manifestMissing(runID: Int64, manifestKey: String)
    /// The manifest does not list this run's connection or cannot be read as a manifest.
    case unreadableManifest(runID: Int64, manifestKey: String, problem: String)
    /// EXPORTER_SINK_DIRECTORY sends exports to a local directory: there is no bucket to link.
    case notS3(connectionID: String)

    public var isConfigurationProblem: Bool {
        if case .notS3 = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unknownRun(let id):
            "run \(id): no run in export_runs has this id"
        case .runNotSucceeded(let id, let status, let error):
            "run \(id) has status \(status), not succeeded: only a succeeded run has objects to link"
                + (error.map { " (\($0))" } ?? "")
        case .runReplaced(let id, let newer, let key):
            "run \(id): its window was exported again by run \(newer), whose objects replaced this run's "
                + "(manifest \(key)); use --run \(newer)"
        case .manifestMissing(let id, let key):
            "run \(id): its manifest \(key) is no longer in the bucket (a later export of the window removed it, "
                + "or it was deleted); export the window again"
        case .unreadableManifest(let id, let key, let problem):
            "run \(id): manifest \(key) \(problem)"
        case .notS3(let connection):
            "connection \(connection): EXPORTER_SINK_DIRECTORY is set, so exports go to a local directory "
                + "and there is no S3 object to presign; unset it"
        }
    }
}
