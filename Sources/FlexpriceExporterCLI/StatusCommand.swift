import ArgumentParser
import ExporterCore
import ExporterEngine
import ExporterRunHistory
import ExporterScheduler
import Foundation

/// `status`: where each (connection, entity) stands, and the latest runs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each connection's export status and the latest runs.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this connection id.") var connection: String?
    // Unconditional: `--limit -1` is a value to refuse by name, not a missing one.
    @Option(parsing: .unconditional, help: "How many recent runs to list (0: none).") var limit = 20
    @Flag(help: "Print JSON for machines.") var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more (how many recent runs to list), got \(limit)") }
    }

    struct Output: Codable {
        let streams: [StreamStatus]
        let recentRuns: [RunRecord]
        enum CodingKeys: String, CodingKey {
            case streams
            case recentRuns = "recent_runs"
        }
    }

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let logger = ProcessLogging.makeLogger(settings)
            let (connection, limit) = (connection, limit)
            // Status decrypts nothing: any key will do for the engine it builds.
            let output = try await Runtime.withEngine(settings, encryptionKey: settings.encryptionKey ?? "", logger: logger,
                                                     schema: .verify) { engine in
                Output(streams: try await engine.streamStatuses(connectionID: connection,
                                                                graceSeconds: Int64(settings.graceSeconds)),
                       recentRuns: limit == 0 ? [] : try await engine.history.runs(connectionID: connection, limit: limit))
            }
            if json {
                try JSONOutput.print(output)
                return
            }
            print(Table.render(
                ["connection", "entity", "interval", "last succeeded window", "behind", "failing", "last run", "rows", "seconds",
                 "next window due", "delta", "problem or last error"],
                output.streams.map { s in
                    [s.connectionID, s.scheduledTaskID.map { "\(s.entity) (task \($0))" } ?? s.entity, s.interval ?? "-",
                     s.lastSucceededWindowStart.map { "\($0) .. \(s.lastSucceededWindowEnd ?? "")" } ?? "-",
                     s.windowsBehind.map(String.init) ?? "-",
                     Self.failing(s),
                     s.lastRun.map { "\($0.status) (\($0.trigger))" } ?? "never",
                     s.lastRun?.rowCount.map(String.init) ?? "-",
                     s.lastRun?.durationSeconds.map { String(format: "%.1f", $0) } ?? "-",
                     s.nextWindowStart.map { "\($0) at \(s.nextDueAt ?? "")" } ?? "-",
                     s.deltaVersion.map { "v\($0)" } ?? "-",
                     s.problem ?? s.lastErrorCode.map { "\($0): \(s.lastErrorMessage ?? "")" } ?? ""]
                }))
            print("")
            print(Table.render(
                ["run", "connection", "entity", "window start", "trigger", "status", "rows", "error"],
                output.recentRuns.map { r in
                    [String(r.id), r.connectionID, r.entity, r.windowStart, r.trigger, r.status,
                     r.rowCount.map(String.init) ?? "-", r.errorCode.map { "\($0): \(r.errorMessage ?? "")" } ?? ""]
                }))
        }
    }
}

extension StatusCommand {
    /// The "failing" cell: how many windows are failing and since when, or a connection
    /// problem's first sighting; empty when nothing fails.
    static func failing(_ s: StreamStatus) -> String {
        if let count = s.failingWindows, count > 0 {
            let windows = count == 1 ? "1 window" : "\(count) windows"
            return windows + (s.oldestFailingWindowStart.map { ", oldest \($0)" } ?? "")
                + (s.failingSince.map { ", since \($0)" } ?? "")
        }
        if s.problem != nil, let since = s.failingSince { return "since \(since)" }
        return ""
    }
}

/// Plain-text tables for the terminal.
enum Table {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            return index == 0 ? line + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") : line
        }.joined(separator: "\n")
    }
}
