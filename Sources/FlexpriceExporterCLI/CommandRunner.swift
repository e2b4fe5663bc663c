import ArgumentParser
import ExporterCore
import Foundation
import Logging

/// Shared error handling for commands: configuration problems exit 78 with a message naming
/// the setting; run failures exit 1.
enum CommandRunner {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as Failure {
            printError(failure.description)
            throw ExitCodes.configuration
        } catch let error as SettingsError {
            printError("configuration error: \(error.description)")
            throw ExitCodes.configuration
        } catch let error as ExportError {
            printError("error: \(error.message)")
            if case .config = error { throw ExitCodes.configuration }
            throw ExitCodes.runFailed
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
