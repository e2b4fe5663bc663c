/// Where a setting's value was read: a refused value and a warning name it, so the operator
/// knows which line to fix.
public enum SettingOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The process environment.
    case environment
    /// A line of the config file.
    case file(path: String, line: Int)

    public var description: String {
        switch self {
        case .environment: "the environment"
        case .file(let path, let line): "\(path), line \(line)"
        }
    }
}
