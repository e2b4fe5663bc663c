import ArgumentParser
import ExporterCore
import ExporterEngine
import Foundation

/// `url`: presigned GET URLs for a run's objects and manifest, or for one key (DESIGN §7).
///
/// Exit codes: 0 printed; 64 bad arguments (including `--expires` out of range), an unknown run
/// or connection, or a run that did not succeed or whose window a later run replaced; 78 a
/// connection whose settings cannot be read, or EXPORTER_SINK_DIRECTORY set; 1 the manifest
/// could not be fetched (S3 or network error) or a credential could not be decrypted.
struct UrlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url",
        abstract: "Print presigned download URLs for a run's objects and manifest, or for one key.",
        discussion: """
            --run ID links every data object the run's manifest lists (all parts of a rolled-over \
            export), then the manifest; the run must have succeeded. --connection ID --key KEY links \
            that one key without looking it up. URLs use the connection's endpoint_url, addressing \
            style and session token, and carry the access key id but never the secret. DURATION is \
            seconds (3600) or a number with s, m, h or d (90s, 15m, 1h, 7d): from 1 second to 7 days, \
            default 1h. Text output is one line per object: the key, a tab, the URL; --json \
            prints an array of {key, url, expires_at}.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "A run id (from `status`): link its objects and manifest.") var run: Int64?
    @Option(help: "A connection id: link --key in its bucket.") var connection: String?
    @Option(help: "An object key in the connection's bucket (with --connection).") var key: String?
    @Option(help: ArgumentHelp("How long the URLs stay valid: 3600, 90s, 15m, 1h, 7d (at most 7d).", valueName: "duration"))
    var expires = "1h"
    @Flag(help: "Print JSON for scripts: [{key, url, expires_at}].") var json = false

    func validate() throws {
        switch (run, connection, key) {
        case (.some, nil, nil), (nil, .some, .some): break
        case (.some, _, _): throw ValidationError("--run cannot be combined with --connection or --key")
        case (nil, .some, nil): throw ValidationError("--connection needs --key (or use --run ID)")
        case (nil, nil, .some): throw ValidationError("--key needs --connection")
        case (nil, nil, nil): throw ValidationError("give --run ID, or --connection ID --key KEY")
        }
        if let key, key.isEmpty { throw ValidationError("--key is empty") }
        do throws(LinkExpiryError) {
            _ = try LinkExpiry(parsing: expires)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        try await CommandRunner.run {
            let expiry: LinkExpiry
            do throws(LinkExpiryError) {
                expiry = try LinkExpiry(parsing: expires)
            } catch {
                throw Failure.usage(error.description)
            }
            let settings = try await SettingsLoader.load(global)
            let encryptionKey = try settings.requireEncryptionKey()
            let logger = ProcessLogging.makeLogger(settings)
            let (run, connection, key) = (run, connection, key)
            let now = Date()
            let links: [DownloadLink]
            do {
                links = try await Runtime.withEngine(settings, encryptionKey: encryptionKey, logger: logger, schema: .verify) { engine in
                    if let run { return try await engine.downloadLinks(runID: run, expiry: expiry, now: now) }
                    guard let connection, let key else { throw Failure.usage("give --run ID, or --connection ID --key KEY") }
                    return [try await engine.downloadLink(connectionID: connection, key: key, expiry: expiry, now: now)]
                }
            } catch let error as DownloadLinkError {
                throw error.isConfigurationProblem ? Failure.configuration(error.description) : Failure.usage(error.description)
            }
            if json {
                try JSONOutput.print(links)
                return
            }
            for link in links {
                print("\(link.key)\t\(link.url)")
            }
        }
    }
}
