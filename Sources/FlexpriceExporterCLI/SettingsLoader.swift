import ArgumentParser
import Configuration
import ExporterCore
import ExporterSystem
import Foundation

/// Reads ``ExporterSettings`` with swift-configuration: the process environment first, then the
/// optional config file (`--config` or `EXPORTER_CONFIG_FILE`), read as systemd reads an
/// EnvironmentFile= (``EnvironmentFile``). Unknown keys and ignored lines become the settings'
/// ``ExporterSettings/warnings``; a refused value names where it was read.
enum SettingsLoader {
    static let secretKeys = Set(ExporterSettings.secretKeys)

    static func load(_ options: GlobalOptions) async throws -> ExporterSettings {
        let processEnvironment = ProcessInfo.processInfo.environment
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: processEnvironment, secretsSpecifier: .specific(secretKeys)),
        ]
        let named = options.config.map { ($0, "--config") }
            ?? processEnvironment[SettingsKeyCheck.environmentOnlyKey].map { ($0, SettingsKeyCheck.environmentOnlyKey) }
        var file: EnvironmentFile?
        if let (path, namedBy) = named, !path.isEmpty {
            do {
                file = try EnvironmentFile.load(path: path, namedBy: namedBy)
            } catch {
                throw Failure.configuration(error.description)
            }
        }
        if let file {
            providers.append(EnvironmentVariablesProvider(environmentVariables: file.values, secretsSpecifier: .specific(secretKeys)))
        }
        let reader = ConfigReader(providers: providers)
        func read(_ name: String) -> String? {
            // DATABASE_URL is read through the key "database.url", which the environment
            // provider maps back to DATABASE_URL.
            let key = ConfigKey(name.lowercased().replacingOccurrences(of: "_", with: "."))
            return reader.string(forKey: key, isSecret: secretKeys.contains(name) || name.hasSuffix("_FILE"))
        }
        // The secrets first: each from itself, its _FILE, or a systemd credential (SecretFile).
        var secrets: [String: SecretFile.Resolved] = [:]
        do {
            for key in ExporterSettings.secretKeys {
                secrets[key] = try SecretFile.resolve(key, lookup: read,
                                                      credentialsDirectory: processEnvironment["CREDENTIALS_DIRECTORY"])
            }
        } catch {
            throw Failure.configuration(error.description)
        }
        var settings: ExporterSettings
        do {
            settings = try ExporterSettings { name in secretKeys.contains(name) ? secrets[name]?.value : read(name) }
        } catch {
            throw Failure.configuration(located(error, environment: processEnvironment, file: file, secrets: secrets).description)
        }
        settings.warnings = secrets.keys.sorted().compactMap { secrets[$0]?.warning }
        settings.warnings += SettingsKeyCheck.environmentWarnings(processEnvironment.keys).map(\.description)
        if let file {
            // In the file's order: ignored lines and key warnings by line (a repeated key at its last).
            let ignored = file.ignored.map { ($0.line, file.warning(for: $0)) }
            let keys = SettingsKeyCheck.fileWarnings(path: file.path, assignments: file.assignments.map { ($0.key, $0.line) })
                .map { ($0.line ?? 0, $0.description) }
            settings.warnings += (ignored + keys).enumerated()
                .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
                .map(\.element.1)
        }
        return settings
    }

    /// `error` with where its value was read: the environment wins over the file, as in `load`.
    static func located(_ error: SettingsError, environment: [String: String], file: EnvironmentFile?,
                        secrets: [String: SecretFile.Resolved] = [:]) -> SettingsError {
        guard case .invalid(let name, let problem) = error else { return error }
        if let origin = secrets[name]?.origin, origin != .setting {
            return .invalid(name: name, problem: "\(problem) (read from \(origin))")
        }
        if environment[name] != nil { return .invalid(name: name, problem: "\(problem) (in \(SettingOrigin.environment))") }
        guard let file, let assignment = file.assignments.last(where: { $0.key == name }) else { return error }
        let origin = SettingOrigin.file(path: file.path, line: assignment.line)
        // systemd's format has no comments after a value: the rest of the line is the value.
        let hint = !secretKeys.contains(name) && assignment.value.contains("#")
            ? "; a # after a value is part of the value: put comments on a line of their own" : ""
        return .invalid(name: name, problem: "\(problem) (\(origin)\(hint))")
    }
}

/// A failure the CLI reports with a message and a specific exit code.
enum Failure: Error, CustomStringConvertible {
    /// Exit 78.
    case configuration(String)
    /// Exit 64: the command was used wrongly in a way only its input shows.
    case usage(String)

    var description: String {
        switch self {
        case .configuration(let message): "configuration error: \(message)"
        case .usage(let message): "error: \(message)"
        }
    }

    var exitCode: ExitCode {
        switch self {
        case .configuration: ExitCodes.configuration
        case .usage: ExitCodes.usage
        }
    }
}
