/// A process setting (environment variable or config file key) that is missing or malformed.
/// The CLI exits 78 (EX_CONFIG) with this message.
public enum SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(name: String)
    case invalid(name: String, problem: String)

    public var description: String {
        switch self {
        case .missing(let name): "\(name) is not set"
        case .invalid(let name, let problem): "\(name) \(problem)"
        }
    }
}
