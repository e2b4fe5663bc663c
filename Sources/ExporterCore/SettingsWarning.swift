/// Something reading the settings found and ignored, which the operator should hear about once
/// (logged at warning when the command starts): a mistyped key is otherwise a default silently
/// kept. Names keys and lines, never values (a value may be a secret).
public enum SettingsWarning: Sendable, Equatable, CustomStringConvertible {
    /// A key the exporter does not read, with the known key it resembles, if one is close.
    case unknownKey(key: String, origin: SettingOrigin, suggestion: String?)
    /// A libpq `PG*` variable in the config file: libpq reads those from the process
    /// environment only, so the file's line does nothing.
    case libpqVariableInFile(key: String, path: String, line: Int)
    /// A key read from the environment only (EXPORTER_CONFIG_FILE) set in the config file.
    case environmentOnlyInFile(key: String, path: String, line: Int)
    /// A key the config file sets more than once; the last line wins.
    case repeatedKey(key: String, path: String, lines: [Int])

    /// The config file's line the warning is about (a repeated key's last), nil for the environment.
    public var line: Int? {
        switch self {
        case .unknownKey(_, .file(_, let line), _), .libpqVariableInFile(_, _, let line), .environmentOnlyInFile(_, _, let line):
            line
        case .repeatedKey(_, _, let lines):
            lines.last
        case .unknownKey(_, .environment, _):
            nil
        }
    }

    public var description: String {
        switch self {
        case .unknownKey(let key, let origin, let suggestion):
            "\(origin): \(key) is not a setting of the exporter and is ignored"
                + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case .libpqVariableInFile(let key, let path, let line):
            "\(path), line \(line): \(key) is ignored here: libpq reads PG* variables from the process environment only "
                + "(set it there, or put the parameter in DATABASE_URL)"
        case .environmentOnlyInFile(let key, let path, let line):
            "\(path), line \(line): \(key) is ignored here: it is read from the environment only"
        case .repeatedKey(let key, let path, let lines):
            "\(path): \(key) is set on lines \(Self.list(lines.map(String.init))); line \(lines.last ?? 0) wins"
        }
    }

    private static func list(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
