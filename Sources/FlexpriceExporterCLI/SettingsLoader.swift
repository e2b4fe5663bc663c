import ArgumentParser
import Configuration
import ExporterCore
import SystemPackage

/// Reads ``ExporterSettings`` with swift-configuration: the process environment first, then the
/// optional config file (`--config` or `EXPORTER_CONFIG_FILE`), which uses the same KEY=value
/// format as systemd's EnvironmentFile.
enum SettingsLoader {
    static let secretKeys: Set<String> = [
        "DATABASE_URL", "FLEXPRICE_SECRETS_ENCRYPTION_KEY", "EXPORTER_CLICKHOUSE_URL", "EXPORTER_CLICKHOUSE_PASSWORD",
    ]

    static func load(_ options: GlobalOptions) async throws -> ExporterSettings {
        let environment = EnvironmentVariablesProvider(secretsSpecifier: .specific(secretKeys))
        var providers: [any ConfigProvider] = [environment]
        let file = options.config ?? (try? environment.environmentValue(forName: "EXPORTER_CONFIG_FILE")) ?? nil
        if let file, !file.isEmpty {
            do {
                providers.append(try await EnvironmentVariablesProvider(
                    environmentFilePath: FilePath(file), secretsSpecifier: .specific(secretKeys)))
            } catch {
                throw Failure.configuration("the config file \(file) could not be read: \(error)")
            }
        }
        let reader = ConfigReader(providers: providers)
        do {
            return try ExporterSettings { name in
                // DATABASE_URL is read through the key "database.url", which the environment
                // provider maps back to DATABASE_URL.
                let key = ConfigKey(name.lowercased().replacingOccurrences(of: "_", with: "."))
                return reader.string(forKey: key, isSecret: secretKeys.contains(name))
            }
        } catch {
            throw Failure.configuration(error.description)
        }
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
