import ArgumentParser
import ExporterCore
import ExporterEngine
import ExporterRunHistory
import Foundation
import Logging

/// Shared error handling for commands: each kind of failure gets its message on standard error
/// and its exit code (``ExitCodes``): usage 64, database unreachable 69, configuration (a refused
/// login too) and schema 78, run failures 1.
enum CommandRunner {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as Failure {
            printError(failure.description)
            throw failure.exitCode
        } catch let error as SettingsError {
            printError("configuration error: \(error.description)")
            throw ExitCodes.configuration
        } catch let error as UnknownConnectionError {
            printError("error: \(error.description)")
            throw ExitCodes.usage
        } catch let error as DatabaseUnavailableError {
            printError("error: \(error.description)")
            throw error.isConfigurationProblem ? ExitCodes.configuration : ExitCodes.unavailable
        } catch let error as SchemaError {
            printError("error: \(error.description)")
            throw ExitCodes.configuration
        } catch let error as ExportError {
            printError("error: \(error.message)")
            if error.code == "config" { throw ExitCodes.configuration }
            throw ExitCodes.runFailed
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
