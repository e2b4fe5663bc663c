import AsyncHTTPClient
import ExporterCore
import Foundation
import NIOCore
import Testing

/// `flexprice-exporter url` through the built binary (DESIGN §7): the presigned URLs of a real,
/// rolled-over run fetch, with no credentials at all, exactly the bytes the manifest describes;
/// and every refusal (unknown run, failed run, an out-of-range `--expires`) exits 64 with a
/// message naming what is wrong.
///
/// moto cannot judge these signatures: its auth is global to the server (which the other suites
/// share) and, in moto 5.2, reads only the `Authorization` header, so a query-signed request is
/// never verified. So the bytes are fetched from moto, and the signatures are checked on the way
/// by the test proxy's own verifier (`SigV4Verifier+Presigned`), besides the S3 documentation's
/// example in `PresignedURLTests`.
@Suite(TestServices.needsServices())
struct DownloadLinkTests {
    func environment(_ services: Services) -> [String: String] {
        ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_LOG_LEVEL": "debug"]
    }

    struct Link: Decodable {
        let key: String
        let url: String
        let expiresAt: String

        enum CodingKeys: String, CodingKey {
            case key, url
            case expiresAt = "expires_at"
        }
    }

    struct Manifest: Decodable {
        struct Object: Decodable {
            let key: String
            let bytes: Int
            let sha256: String
        }

        let objects: [Object]
    }

    /// GET `url` exactly as printed, without any header of ours (no Authorization, no x-amz-*).
    func download(_ url: String, _ services: Services) async throws -> (status: Int, body: ByteBuffer) {
        let response = try await services.http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        return (Int(response.status.code), try await response.body.collect(upTo: 64 * 1024 * 1024))
    }

    /// Every request goes through the test proxy, whose verifier judges each signature as S3
    /// would (moto serves a link whatever its signature), on its way to moto, which serves the bytes.
    @Test func theLinksOfARolledOverRunFetchEveryObjectsExactBytesWithoutCredentials() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, proxyURL in
                // ~2.5 MB of uncompressed CSV with a 1 MB limit: three or more part files.
                let c = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, format: .csv, compression: .none, maxFileSizeMB: 1) },
                    seed: { try await services.seedUsageRows(tenant: $0, count: 10_000) })
                let sync = try await ExporterCommand.run(["sync", "--connection", c.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                         environment: environment(services))
                #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
                let run = try #require(try await services.runs(connection: c.id).last)
                #expect(run.status == "succeeded")
                let manifestKey = try #require(run.manifestKey)

                let signedFrom = Int64(Date().timeIntervalSince1970)
                let before = proxy.exchanges.count
                let result = try await ExporterCommand.run(["url", "--run", String(run.id), "--json"], environment: environment(services))
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                let links = try JSONDecoder().decode([Link].self, from: Data(result.stdout.utf8))

                // Every part the manifest lists, in its order, then the manifest.
                let manifestBytes = try await services.fetch(bucket: c.bucket, key: manifestKey, gzip: false).raw
                let manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes.readableBytesView))
                #expect(manifest.objects.count >= 3, "\(manifest.objects.map(\.key))")
                #expect(links.map(\.key) == manifest.objects.map(\.key) + [manifestKey])

                // Path-style on the connection's custom endpoint, valid for the default hour.
                for link in links {
                    #expect(link.url.hasPrefix("\(proxyURL)/\(c.bucket)/"), "\(link.url)")
                    #expect(link.url.contains("X-Amz-Expires=3600&"), "\(link.url)")
                    #expect(link.url.contains("X-Amz-Credential=\(TestServices.accessKey)%2F"), "\(link.url)")
                    let expiresAt = try #require(Timestamp.parse(link.expiresAt), "\(link.expiresAt)")
                    #expect(expiresAt >= signedFrom + 3600 && expiresAt <= Int64(Date().timeIntervalSince1970) + 3600, "\(link.expiresAt)")
                }

                // Fetched without credentials: the exact bytes, as the manifest's size and SHA-256 say.
                for (object, link) in zip(manifest.objects, links) {
                    let fetched = try await download(link.url, services)
                    #expect(fetched.status == 200, "\(link.key): \(String(buffer: fetched.body))")
                    #expect(fetched.body.readableBytes == object.bytes, "\(link.key)")
                    #expect(sha256Hex(fetched.body) == object.sha256, "\(link.key)")
                }
                let manifestLink = try #require(links.last)
                let fetchedManifest = try await download(manifestLink.url, services)
                #expect(fetchedManifest.status == 200)
                #expect(fetchedManifest.body == manifestBytes)

                // Text output: one line per object, the key, a tab, the URL.
                let text = try await ExporterCommand.run(["url", "--run", String(run.id), "--expires", "15m"],
                                                         environment: environment(services))
                #expect(text.status == 0, "\(text.stderr)")
                let lines = text.stdout.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
                #expect(lines.map { $0.first ?? "" } == links.map(\.key))
                #expect(lines.allSatisfy { $0.count == 2 && $0[1].contains("X-Amz-Expires=900&") }, "\(text.stdout)")

                // One key of the connection, signed without being looked up.
                let first = try #require(manifest.objects.first)
                let single = try await ExporterCommand.run(["url", "--connection", c.id, "--key", first.key, "--expires", "7d", "--json"],
                                                           environment: environment(services))
                #expect(single.status == 0, "\(single.stderr)")
                let singleLinks = try JSONDecoder().decode([Link].self, from: Data(single.stdout.utf8))
                #expect(singleLinks.map(\.key) == [first.key])
                let singleURL = try #require(singleLinks.first?.url)
                #expect(singleURL.contains("X-Amz-Expires=604800&"))
                let fetchedSingle = try await download(singleURL, services)
                #expect(fetchedSingle.status == 200)
                #expect(sha256Hex(fetchedSingle.body) == first.sha256)

                // Exporting the window again replaces the objects under the same keys: the old run's
                // links would be the new run's data, so the old run is refused, naming the new one.
                let again = try await ExporterCommand.run(["sync", "--connection", c.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                          environment: environment(services))
                #expect(again.status == 0, "\(again.stderr)")
                let newer = try #require(try await services.runs(connection: c.id).last)
                #expect(newer.id != run.id)
                let replaced = try await ExporterCommand.run(["url", "--run", String(run.id)], environment: environment(services))
                #expect(replaced.status == 64, "\(replaced.stdout)\(replaced.stderr)")
                #expect(replaced.stderr.contains("exported again by run \(newer.id)"), "\(replaced.stderr)")
                let current = try await ExporterCommand.run(["url", "--run", String(newer.id)], environment: environment(services))
                #expect(current.status == 0, "\(current.stderr)")

                // The secret is in no output, even at log level debug.
                for output in [result, text, single, replaced, current] {
                    #expect(!output.stdout.contains(TestServices.secretKey) && !output.stderr.contains(TestServices.secretKey))
                }

                // Every request verified: the exports' and url's own, signed in headers, and each
                // link's GET (every part, the manifest, the single key), signed in its query alone.
                #expect(proxy.signatureMismatches.isEmpty, "\(proxy.signatureMismatches)")
                #expect(proxy.verifiedCount == proxy.exchanges.count, "\(proxy.requests)")
                let fetches = proxy.exchanges.dropFirst(before).filter { $0.header("authorization") == nil }
                #expect(fetches.count == links.count + 1, "\(proxy.requests)")
                #expect(fetches.allSatisfy { $0.method == "GET" && $0.verdict == .valid(unsignedPayload: true) },
                        "\(fetches.map { "\($0.target): \(String(describing: $0.verdict))" })")
            }
        }
    }

    /// The signatures, checked on the way to moto by the test proxy's own SigV4 verifier (written
    /// from the AWS pages, not with the project's signer): each link verifies as S3 would check
    /// it, and a link whose signature or key was altered does not.
    @Test func theLinksCarrySignaturesS3WouldAcceptAndAlteredOnesFail() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, proxyURL in
                let c = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, format: .csv, compression: .gzip) },
                    seed: { try await services.seedUsageRows(tenant: $0, count: 500) })
                let sync = try await ExporterCommand.run(["sync", "--connection", c.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                         environment: environment(services))
                #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
                let run = try #require(try await services.runs(connection: c.id).last)
                let result = try await ExporterCommand.run(["url", "--run", String(run.id), "--json", "--expires", "90s"],
                                                           environment: environment(services))
                #expect(result.status == 0, "\(result.stderr)")
                let links = try JSONDecoder().decode([Link].self, from: Data(result.stdout.utf8))
                #expect(links.count == 2, "\(links.map(\.key))")
                let before = proxy.exchanges.count

                for link in links {
                    #expect(link.url.hasPrefix("\(proxyURL)/\(c.bucket)/exports/test/feature_usage/"), "\(link.url)")
                    let fetched = try await download(link.url, services)
                    #expect(fetched.status == 200, "\(link.key)")
                }
                let fetches = Array(proxy.exchanges.dropFirst(before))
                #expect(fetches.count == links.count)
                #expect(fetches.allSatisfy { $0.verdict == .valid(unsignedPayload: true) }, "\(proxy.signatureMismatches)")
                #expect(fetches.allSatisfy { $0.header("authorization") == nil })

                // Another signature, or another key under the same signature: refused.
                let url = try #require(links.first?.url)
                let signature = try #require(url.range(of: "X-Amz-Signature=")).upperBound
                let flipped = url[signature...].first == "0" ? "1" : "0"
                let badSignature = String(url[..<signature]) + flipped + String(url[url.index(after: signature)...])
                let otherKey = url.replacingOccurrences(of: "/exports/test/", with: "/exports/other/")
                #expect(otherKey != url)
                for altered in [badSignature, otherKey] {
                    _ = try await download(altered, services)
                }
                let mismatches = proxy.signatureMismatches
                #expect(mismatches.count == 2, "\(mismatches)")
                #expect(mismatches.allSatisfy { $0.contains("signature ") && $0.contains("expected") }, "\(mismatches)")
            }
        }
    }

    @Test func anUnknownRunAFailedRunAndABadDurationAreRefused() async throws {
        try await TestServices.with { services in
            // An unknown run.
            let unknown = try await ExporterCommand.run(["url", "--run", "987654321987"], environment: environment(services))
            #expect(unknown.status == 64, "\(unknown.stdout)\(unknown.stderr)")
            #expect(unknown.stderr.contains("run 987654321987: no run in export_runs has this id"), "\(unknown.stderr)")
            #expect(unknown.stdout.isEmpty)

            // A failed run: its bucket does not exist.
            let endpoint = try #require(TestServices.s3Endpoint)
            let id = uniqueName("conn")
            try await services.insertConnection(id: id, tenant: uniqueName("tenant"), environment: "",
                                                syncConfig: Services.s3Config(bucket: uniqueName("missing-bucket"), endpoint: endpoint))
            let sync = try await ExporterCommand.run(["sync", "--connection", id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                     environment: environment(services))
            #expect(sync.status == 1, "\(sync.stdout)\(sync.stderr)")
            let failed = try #require(try await services.runs(connection: id).last)
            #expect(failed.status == "failed")
            let refused = try await ExporterCommand.run(["url", "--run", String(failed.id)], environment: environment(services))
            #expect(refused.status == 64, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("run \(failed.id) has status failed, not succeeded"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)

            // Exports into a local directory (EXPORTER_SINK_DIRECTORY): no bucket to link, a configuration error.
            let directory = try await ExporterCommand.run(
                ["url", "--connection", id, "--key", "k.csv"],
                environment: environment(services).merging(["EXPORTER_SINK_DIRECTORY": FileManager.default.temporaryDirectory.path]) { $1 })
            #expect(directory.status == 78, "\(directory.stdout)\(directory.stderr)")
            #expect(directory.stderr.contains("connection \(id): EXPORTER_SINK_DIRECTORY is set"), "\(directory.stderr)")

            // An unknown connection.
            let noConnection = uniqueName("no-such-connection")
            let missing = try await ExporterCommand.run(["url", "--connection", noConnection, "--key", "k.csv"],
                                                        environment: environment(services))
            #expect(missing.status == 64)
            #expect(missing.stderr.contains("connection \(noConnection): no published connection"), "\(missing.stderr)")

            // Durations out of range or unreadable, and arguments that do not go together.
            for arguments in [["--run", "1", "--expires", "8d"], ["--run", "1", "--expires", "0"],
                              ["--run", "1", "--expires", "604801"], ["--run", "1", "--expires", "soon"],
                              ["--run", "1", "--key", "k"], ["--connection", "c"], ["--key", "k"], []] {
                let bad = try await ExporterCommand.run(["url"] + arguments, environment: environment(services))
                #expect(bad.status == 64, "\(arguments): \(bad.stdout)\(bad.stderr)")
                #expect(bad.stdout.isEmpty, "\(arguments)")
            }
            let tooLong = try await ExporterCommand.run(["url", "--run", "1", "--expires", "8d"], environment: environment(services))
            #expect(tooLong.stderr.contains("1 second to 7 days"), "\(tooLong.stderr)")
        }
    }
}
