import ExporterCore
import ExporterSink
import Foundation
import NIOCore

/// Presigned download links (`flexprice-exporter url`, DESIGN §7): the objects of a run, or one
/// key, on the connection's own endpoint, addressing style and credentials.
extension ExportEngine {
    /// A link for each data object of run `runID`, in the manifest's order, then one for the
    /// manifest itself.
    ///
    /// The keys come from the manifest in the bucket, not from export_runs (which keeps only the
    /// first object), so every part of a rolled-over export is listed. Only a succeeded run is
    /// linked, and only while its manifest is still its own: a later run of the same window
    /// overwrites the same keys, and links to those would not be this run's data.
    /// - Throws: ``DownloadLinkError`` for an unknown, unfinished, failed or replaced run;
    ///   ``UnknownConnectionError`` when its connection is gone; `ExportError` when the
    ///   connection cannot be read or the manifest cannot be fetched.
    public func downloadLinks(runID: Int64, expiry: LinkExpiry, now: Date) async throws -> [DownloadLink] {
        guard let run = try await history.manifestLocation(runID: runID) else { throw DownloadLinkError.unknownRun(runID) }
        guard run.status == "succeeded", let manifestKey = run.manifestKey else {
            let error = run.errorCode.map { code in "\(code): \(run.errorMessage ?? "")" }
            throw DownloadLinkError.runNotSucceeded(runID: runID, status: run.status, error: error)
        }
        let (client, presigner) = try await s3(connectionID: run.connectionID)
        let response: S3Client.Response
        do {
            response = try await client.getObject(key: manifestKey)
        } catch ExportError.s3(let code, _) where code == "NoSuchKey" || code == "NotFound" {
            throw DownloadLinkError.manifestMissing(runID: runID, manifestKey: manifestKey)
        }
        let manifest: ExportManifest
        do {
            manifest = try JSONDecoder().decode(ExportManifest.self, from: Data(response.body.readableBytesView))
        } catch {
            throw DownloadLinkError.unreadableManifest(runID: runID, manifestKey: manifestKey,
                                                       problem: "is not an exporter manifest: \(error)")
        }
        guard manifest.runID == runID else {
            throw DownloadLinkError.runReplaced(runID: runID, by: manifest.runID, manifestKey: manifestKey)
        }
        guard manifest.connectionID == run.connectionID else {
            throw DownloadLinkError.unreadableManifest(
                runID: runID, manifestKey: manifestKey,
                problem: "names connection \(manifest.connectionID), not the run's \(run.connectionID)")
        }
        return (manifest.objects.map(\.key) + [manifestKey]).map { link(presigner, key: $0, expiry: expiry, now: now) }
    }

    /// A link for `key` in the bucket of connection `connectionID`. The object is not looked up:
    /// a link to a missing key answers 404 (NoSuchKey) when used.
    public func downloadLink(connectionID: String, key: String, expiry: LinkExpiry, now: Date) async throws -> DownloadLink {
        link(try await s3(connectionID: connectionID).presigner, key: key, expiry: expiry, now: now)
    }

    private func link(_ presigner: S3Presigner, key: String, expiry: LinkExpiry, now: Date) -> DownloadLink {
        let signedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        return DownloadLink(key: key, url: presigner.getURL(key: key, expiresIn: expiry.seconds, at: now),
                            expiresAt: Timestamp.rfc3339(seconds: signedAt + Int64(expiry.seconds)))
    }

    /// The connection's S3 client (to read the manifest) and presigner, from its settings and
    /// decrypted credentials, through the same sink factory the exports use. Inactive
    /// connections (`sync_active: false`) are linked too: their objects are still there.
    private func s3(connectionID: String) async throws -> (client: S3Client, presigner: S3Presigner) {
        guard let connection = try await connections(connectionID).first else {
            throw UnknownConnectionError(connectionID: connectionID)
        }
        let settings = try connection.settings()
        let credentials = try connection.credentials(using: secretBox)
        do {
            guard let sink = try makeSink(settings, credentials) as? S3ObjectSink else {
                throw DownloadLinkError.notS3(connectionID: connectionID)
            }
            // A link follows the endpoint policy the exports follow: the endpoint is resolved and
            // judged before anything is signed for it, even when nothing else is fetched.
            _ = try await sink.client.transport.httpClient()
            return (sink.client, S3Presigner(endpoint: sink.client.endpoint, credentials: credentials))
        } catch let error as ExportError {
            throw error.naming(connection: connectionID)
        }
    }
}
