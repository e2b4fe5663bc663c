import AsyncHTTPClient
import Crypto
import ExporterCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SigV4

/// The S3 REST calls the exporter makes, signed with SigV4, over AsyncHTTPClient.
///
/// Every failure becomes an ``ExportError``: `s3(code:message:)` with S3's own error code when
/// S3 answered, `network` when it did not. Transient failures (5xx, 429, SlowDown,
/// RequestTimeout, connection errors) are retried with exponential back-off and full jitter;
/// client errors (400/403/404: AccessDenied, NoSuchBucket, SignatureDoesNotMatch) fail at once.
public struct S3Client: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer
    }

    public let endpoint: S3Endpoint
    private let signer: SigV4Signer
    /// Where requests go: a ``PinnedTransport`` (the endpoint policy, one lookup) in production.
    public let transport: any S3Transport
    private let logger: Logger
    /// For AsyncHTTPClient's own lines: never trace (``HTTPClientLogHandler``).
    private let httpLogger: Logger
    private let maxAttempts: Int
    private let requestTimeout: TimeAmount
    /// The clock for signatures; a parameter so tests can sign at a fixed instant.
    private let now: @Sendable () -> Date
    /// Told of every attempt's outcome (retries included): the S3 operation (`PutObject`,
    /// `UploadPart`, ...) and the HTTP status, or `network` when no response came. The metrics
    /// count them (`flexprice_exporter_s3_requests_total`); must return at once.
    private let onRequest: (@Sendable (_ operation: String, _ code: String) -> Void)?

    public init(endpoint: S3Endpoint, credentials: AWSCredentials, http: any S3Transport, logger: Logger,
                maxAttempts: Int = 5, requestTimeout: TimeAmount = .seconds(120),
                now: @escaping @Sendable () -> Date = { Date() },
                onRequest: (@Sendable (_ operation: String, _ code: String) -> Void)? = nil) {
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: credentials, region: endpoint.region, service: "s3")
        self.transport = http
        self.logger = logger
        self.httpLogger = HTTPClientLogHandler.logger(for: logger)
        self.maxAttempts = max(1, maxAttempts)
        self.requestTimeout = requestTimeout
        self.now = now
        self.onRequest = onRequest
    }

    // MARK: Object calls

    /// What the store answered to a PutObject, an UploadPart or a CompleteMultipartUpload: its
    /// ETag (every S3 answer to these carries one) and, when it reports one, its SHA-256 checksum.
    public struct Receipt: Sendable, Hashable {
        public let etag: String
        public let checksumSHA256: String?
    }

    /// One uploaded part, as CompleteMultipartUpload lists it.
    public struct CompletedPart: Sendable {
        public let number: Int
        public let etag: String
        /// The part's SHA-256, its `ChecksumSHA256` (base64) in the Complete request.
        let sha256: SHA256Digest
    }

    /// What HeadObject (with `x-amz-checksum-mode: ENABLED`) says of a stored object.
    public struct ObjectHead: Sendable, Hashable {
        public let bytes: Int64
        public let etag: String
        public let checksumSHA256: String?
    }

    /// PutObject: one request for a whole (small) object, with the checksums the store verifies.
    public func putObject(key: String, body: ByteBuffer, headers: [(String, String)]) async throws -> Receipt {
        let digest = S3BodyDigest(body)
        let response = try await send("PUT", key: key, headers: headers + digest.checksumHeaders, body: body, digest: digest)
        return try Self.receipt(of: response, sent: digest, operation: "PutObject \(key)")
    }

    /// CreateMultipartUpload: returns the UploadId. Declares SHA-256 as the upload's checksum
    /// algorithm (`x-amz-checksum-algorithm`), so S3 requires and verifies each part's and
    /// stores the composite checksum: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
    public func createMultipartUpload(key: String, headers: [(String, String)]) async throws -> String {
        let response = try await send("POST", key: key, query: [("uploads", "")],
                                      headers: headers + [("x-amz-checksum-algorithm", "SHA256")])
        let text = String(buffer: response.body)
        guard S3XML.root(of: text) == "InitiateMultipartUploadResult",
              let id = S3XML.value(of: "UploadId", in: text), !id.isEmpty else {
            throw Self.notS3("CreateMultipartUpload \(key)", "no InitiateMultipartUploadResult with an UploadId")
        }
        return id
    }

    /// UploadPart, with the part's checksums: https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
    public func uploadPart(key: String, uploadID: String, partNumber: Int, body: ByteBuffer) async throws -> CompletedPart {
        let digest = S3BodyDigest(body)
        let response = try await send(
            "PUT", key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
            headers: digest.checksumHeaders, body: body, digest: digest)
        let receipt = try Self.receipt(of: response, sent: digest, operation: "UploadPart \(partNumber) of \(key)")
        return CompletedPart(number: partNumber, etag: receipt.etag, sha256: digest.sha256)
    }

    /// CompleteMultipartUpload, each part with its ETag and `ChecksumSHA256` (S3 refuses the
    /// request without them for an upload created with a checksum algorithm):
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
    /// S3 may answer 200 with an error document; that is an error too, and so is an answer
    /// without a `CompleteMultipartUploadResult` holding the object's ETag.
    public func completeMultipartUpload(key: String, uploadID: String, parts: [CompletedPart]) async throws -> Receipt {
        let body = ByteBuffer(string: Self.completeMultipartUploadXML(parts))
        let response = try await send("POST", key: key, query: [("uploadId", uploadID)],
                                      headers: [("content-type", "application/xml")], body: body)
        let text = String(buffer: response.body)
        let operation = "CompleteMultipartUpload \(key)"
        if S3XML.root(of: text) == "Error" {
            throw Self.error(status: response.status, body: text, operation: operation)
        }
        // AWS documents the root `CompleteMultipartUploadResult`; moto 5.2 answers
        // `CompleteMultipartUploadResponse`.
        guard ["CompleteMultipartUploadResult", "CompleteMultipartUploadResponse"].contains(S3XML.root(of: text)),
              let etag = S3XML.value(of: "ETag", in: text), !etag.isEmpty else {
            throw Self.notS3(operation, "no CompleteMultipartUploadResult with an ETag")
        }
        return Receipt(etag: etag, checksumSHA256: S3XML.value(of: "ChecksumSHA256", in: text))
    }

    /// The body of a CompleteMultipartUpload request.
    static func completeMultipartUploadXML(_ parts: [CompletedPart]) -> String {
        var xml = "<CompleteMultipartUpload>"
        for part in parts {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XML.escape(part.etag))</ETag>"
                + "<ChecksumSHA256>\(Data(part.sha256).base64EncodedString())</ChecksumSHA256></Part>"
        }
        return xml + "</CompleteMultipartUpload>"
    }

    /// HeadObject with `x-amz-checksum-mode: ENABLED`, so S3 reports the checksum it stores:
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    /// An object that is not there fails with `NotFound` (HTTP 404; HEAD has no error document).
    public func headObject(key: String) async throws -> ObjectHead {
        let response = try await send("HEAD", key: key, headers: [("x-amz-checksum-mode", "ENABLED")])
        guard let etag = response.headers.first(name: "etag"), !etag.isEmpty else {
            throw Self.notS3("HeadObject \(key)", "no ETag")
        }
        guard let length = response.headers.first(name: "content-length").flatMap({ Int64($0) }), length >= 0 else {
            throw Self.notS3("HeadObject \(key)", "no Content-Length")
        }
        return ObjectHead(bytes: length, etag: etag, checksumSHA256: response.headers.first(name: "x-amz-checksum-sha256"))
    }

    /// The ETag and checksum of a successful PutObject or UploadPart. An answer without an ETag
    /// did not come from S3 (a server that is not S3 answering 200): failing it now is what
    /// stops such an endpoint from getting a succeeded run. A checksum other than the one sent
    /// means the store holds other bytes.
    static func receipt(of response: Response, sent digest: S3BodyDigest, operation: String) throws -> Receipt {
        try receipt(etag: response.headers.first(name: "etag"), checksum: response.headers.first(name: "x-amz-checksum-sha256"),
                    sent: digest, operation: operation)
    }

    static func receipt(etag: String?, checksum: String?, sent digest: S3BodyDigest, operation: String) throws -> Receipt {
        guard let etag, !etag.isEmpty else { throw notS3(operation, "no ETag") }
        if let checksum, checksum != digest.sha256Base64 {
            throw notS3(operation, "a SHA-256 checksum other than the one sent")
        }
        return Receipt(etag: etag, checksumSHA256: checksum)
    }

    /// `s3:InvalidResponse`: the endpoint answered, but not as S3 does. Not retried: an endpoint
    /// that is not S3 answers the same every time. `what` is the exporter's own words, never
    /// what the endpoint sent.
    static func notS3(_ operation: String, _ what: String) -> ExportError {
        .s3(code: "InvalidResponse", message: bounded("the endpoint did not answer as S3 (\(operation): \(what))"))
    }

    /// AbortMultipartUpload, so no partial object and no stored parts remain.
    public func abortMultipartUpload(key: String, uploadID: String) async throws {
        _ = try await send("DELETE", key: key, query: [("uploadId", uploadID)])
    }

    public func deleteObject(key: String) async throws {
        _ = try await send("DELETE", key: key)
    }

    public func getObject(key: String) async throws -> Response {
        try await send("GET", key: key)
    }

    /// PutObject with `If-None-Match: *`: stored only if no object has the key. Returns nil when
    /// one has (412 Precondition Failed), the answer that makes a Delta commit atomic on S3:
    /// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
    public func putObjectIfAbsent(key: String, body: ByteBuffer, headers: [(String, String)]) async throws -> Receipt? {
        let digest = S3BodyDigest(body)
        do {
            let response = try await send("PUT", key: key, headers: headers + digest.checksumHeaders + [("if-none-match", "*")],
                                          body: body, digest: digest)
            return try Self.receipt(of: response, sent: digest, operation: "PutObject \(key)")
        } catch let error as ExportError {
            if case .s3(let code, let message) = error {
                if code == "PreconditionFailed" { return nil }
                // S3's answer to a header it does not implement, from a store without conditional writes.
                if code == "NotImplemented" {
                    throw ExportError.s3(code: code, message: Self.bounded(
                        "the store does not support conditional writes (PutObject with If-None-Match: *), which keep a "
                        + "Delta commit atomic: use a store that does (AWS S3, MinIO, Cloudflare R2) or keep "
                        + "sync_config.s3.table_format unset (\(message))"))
                }
            }
            throw error
        }
    }

    /// GetObject's body, nil when no object has the key (404).
    public func getObjectIfPresent(key: String) async throws -> ByteBuffer? {
        do {
            return try await send("GET", key: key).body
        } catch let error as ExportError {
            if case .s3(let code, _) = error, code == "NoSuchKey" || code == "NotFound" { return nil }
            throw error
        }
    }

    /// ListObjectsV2 with sizes and times, after `startAfter` when given (keys sort by UTF-8
    /// bytes, so a log's commits after a version are one request).
    public func listObjectsDetailed(prefix: String, startAfter: String? = nil) async throws -> [ListedObject] {
        var objects: [ListedObject] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let startAfter { query.append(("start-after", startAfter)) }
            if let token { query.append(("continuation-token", token)) }
            let xml = try Self.document(try await send("GET", key: nil, query: query), root: "ListBucketResult",
                                        operation: "ListObjectsV2")
            let page: [ListedObject] = S3XML.values(of: "Contents", in: xml).compactMap { item in
                guard let key = S3XML.value(of: "Key", in: item) else { return nil }
                return ListedObject(key: key, bytes: S3XML.value(of: "Size", in: item).flatMap { Int64($0) } ?? 0,
                                    lastModified: S3XML.value(of: "LastModified", in: item).flatMap { Timestamp.parse($0) })
            }
            try Self.requireUnder(prefix, page.map(\.key), operation: "ListObjectsV2")
            objects += page
            let next = S3XML.value(of: "IsTruncated", in: xml) == "true" ? S3XML.value(of: "NextContinuationToken", in: xml) : nil
            token = next == token ? nil : next
        } while token != nil
        return objects
    }

    public func headBucket() async throws {
        _ = try await send("HEAD", key: nil)
    }

    /// The keys of multipart uploads still open under `prefix` (for checks and tests).
    public func listMultipartUploads(prefix: String = "") async throws -> [String] {
        try await listMultipartUploadIDs(prefix: prefix).map(\.key)
    }

    /// The open multipart uploads under `prefix`, with their upload ids.
    public func listMultipartUploadIDs(prefix: String) async throws -> [(key: String, uploadID: String)] {
        let response = try await send("GET", key: nil, query: [("uploads", ""), ("prefix", prefix)])
        let xml = try Self.document(response, root: "ListMultipartUploadsResult", operation: "ListMultipartUploads")
        let uploads: [(key: String, uploadID: String)] = S3XML.values(of: "Upload", in: xml).compactMap { upload in
            guard let key = S3XML.value(of: "Key", in: upload), let id = S3XML.value(of: "UploadId", in: upload) else { return nil }
            return (key, id)
        }
        try Self.requireUnder(prefix, uploads.map(\.key), operation: "ListMultipartUploads")
        return uploads
    }

    /// ListObjectsV2: every key under `prefix`, following continuation tokens page by page.
    /// - Parameter pageSize: keys per request (S3's default, 1,000, when nil); tests set it small.
    public func listObjects(prefix: String = "", pageSize: Int? = nil) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let pageSize { query.append(("max-keys", String(pageSize))) }
            if let token { query.append(("continuation-token", token)) }
            let xml = try Self.document(try await send("GET", key: nil, query: query), root: "ListBucketResult",
                                        operation: "ListObjectsV2")
            let page = S3XML.values(of: "Key", in: xml)
            try Self.requireUnder(prefix, page, operation: "ListObjectsV2")
            keys += page
            let next = S3XML.value(of: "IsTruncated", in: xml) == "true" ? S3XML.value(of: "NextContinuationToken", in: xml) : nil
            // A token that does not move on would loop forever: treat it as the end.
            token = next == token ? nil : next
        } while token != nil
        return keys
    }

    /// The body of a successful listing, once its root element is the one S3 documents.
    static func document(_ response: Response, root: String, operation: String) throws -> String {
        let xml = String(buffer: response.body)
        guard S3XML.root(of: xml) == root else { throw notS3(operation, "no \(root) document") }
        return xml
    }

    /// S3 lists only keys that start with the prefix asked for; a listing with another key did
    /// not come from S3, and its keys must not be deleted, aborted or named in a message.
    static func requireUnder(_ prefix: String, _ keys: [String], operation: String) throws {
        guard keys.allSatisfy({ $0.hasPrefix(prefix) }) else { throw notS3(operation, "a key outside the prefix asked for") }
    }

    // MARK: Transport

    /// Signs and sends one request, retrying transient failures.
    public func send(_ method: String, key: String?, query: [(String, String)] = [],
                     headers: [(String, String)] = [], body: ByteBuffer? = nil) async throws -> Response {
        try await send(method, key: key, query: query, headers: headers, body: body, digest: nil)
    }

    /// Signs and sends one request, retrying transient failures; `digest`, when the caller has
    /// hashed the body already (for its checksum headers), is not computed again.
    func send(_ method: String, key: String?, query: [(String, String)] = [],
              headers: [(String, String)] = [], body: ByteBuffer? = nil, digest: S3BodyDigest?) async throws -> Response {
        let payload = body ?? ByteBuffer()
        let payloadHash = digest?.sha256Hex ?? payload.withUnsafeReadableBytes { Hex.lowercase(SHA256.hash(data: $0)) }
        let path = endpoint.path(forKey: key)
        let operation = "\(method) \(key ?? endpoint.bucket)"
        let operationName = Self.operationName(method: method, key: key, query: query)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response: Response
                do {
                    response = try await sendOnce(method, path: path, query: query, headers: headers,
                                                  body: payload, payloadHash: payloadHash)
                } catch {
                    // A request abandoned by cancellation (shutdown) is not a network failure.
                    if !Task.isCancelled && !(error is CancellationError) && !(error is ExportError) { onRequest?(operationName, "network") }
                    throw error
                }
                onRequest?(operationName, String(response.status))
                if (200..<300).contains(response.status) { return response }
                let error = Self.error(status: response.status, body: String(buffer: response.body), operation: operation)
                guard Self.isRetryable(status: response.status, error: error), attempt < maxAttempts else { throw error }
                logger.debug("S3 request will be retried", metadata: ["operation": "\(operation)", "attempt": "\(attempt)", "error": "\(error.code)"])
            } catch let error as ExportError {
                throw error
            } catch {
                let failure = ExportError.network(Self.bounded("S3 \(operation) to \(endpoint.host) failed: \(Self.describe(error))"))
                guard attempt < maxAttempts else { throw failure }
                logger.debug("S3 request will be retried", metadata: ["operation": "\(operation)", "attempt": "\(attempt)", "error": "\(failure.message)"])
            }
            // Exponential back-off with full jitter:
            // https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
            let cap = min(20_000, 100 * (1 << min(attempt, 10)))
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...cap)))
        }
    }

    /// The S3 API name of a request, as AWS documents it (for metrics, not for signing).
    public static func operationName(method: String, key: String?, query: [(String, String)]) -> String {
        let names = Set(query.map(\.0))
        switch method {
        case "PUT": return names.contains("partNumber") ? "UploadPart" : (key == nil ? "CreateBucket" : "PutObject")
        case "POST":
            if names.contains("uploads") { return "CreateMultipartUpload" }
            return names.contains("uploadId") ? "CompleteMultipartUpload" : "PostObject"
        case "DELETE": return names.contains("uploadId") ? "AbortMultipartUpload" : (key == nil ? "DeleteBucket" : "DeleteObject")
        case "HEAD": return key == nil ? "HeadBucket" : "HeadObject"
        case "GET":
            if key != nil { return names.contains("uploadId") ? "ListParts" : "GetObject" }
            if names.contains("uploads") { return "ListMultipartUploads" }
            return names.contains("list-type") ? "ListObjectsV2" : "ListObjects"
        default: return method
        }
    }

    private func sendOnce(_ method: String, path: String, query: [(String, String)], headers: [(String, String)],
                          body: ByteBuffer, payloadHash: String) async throws -> Response {
        var signedHeaders: [(name: String, value: String)] = [("host", endpoint.host)]
        signedHeaders += headers.map { (name: $0.0.lowercased(), value: $0.1) }
        let request = SigV4Request(
            method: method, path: path, queryItems: query.map { (name: $0.0, value: $0.1) },
            headers: signedHeaders, payloadSHA256Hex: payloadHash)
        let added = signer.sign(request, at: now())
        let queryString = query
            .map { URIEncoding.encode($0.0, encodeSlash: true) + "=" + URIEncoding.encode($0.1, encodeSlash: true) }
            .joined(separator: "&")
        var http = HTTPClientRequest(url: endpoint.url(path: path, query: queryString))
        http.method = HTTPMethod(rawValue: method)
        for (name, value) in signedHeaders + added { http.headers.add(name: name, value: value) }
        if body.readableBytes > 0 || method == "PUT" || method == "POST" {
            http.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            http.body = .bytes(body)
        }
        let response = try await transport.httpClient().execute(http, timeout: requestTimeout, logger: httpLogger)
        let responseBody = method == "HEAD" ? ByteBuffer() : try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Response(status: Int(response.status.code), headers: response.headers, body: responseBody)
    }

    /// The error of a response with an error status (or a 200 holding an error document).
    /// S3's `Code` and `Message` are used only when the body is an S3 error document
    /// (``S3ErrorResponse``); otherwise the code follows from the status and the message says
    /// the answer was not S3's, without a byte of the body.
    static func error(status: Int, body: String, operation: String) -> ExportError {
        let document = S3ErrorResponse(body: body)
        let code = document?.code ?? {
            switch status {
            case 301: "PermanentRedirect"
            case 400: "BadRequest"
            case 403: "AccessDenied"
            case 404: "NotFound"
            case 429: "SlowDown"
            case 500: "InternalError"
            case 503: "ServiceUnavailable"
            default: "HTTP\(status)"
            }
        }()
        let message: String
        if let document {
            message = document.message ?? "HTTP status \(status)"
        } else if body.isEmpty {
            message = "HTTP status \(status)"
        } else {
            message = "HTTP status \(status) with a body that is not an S3 error document"
        }
        return .s3(code: code, message: bounded("\(message) (\(operation), HTTP \(status))"))
    }

    /// Longest message of an error this client makes: the text goes to `export_runs.error_message`
    /// and `tasks.error_summary`, which tenants read.
    static let maxMessageLength = 500

    /// `text` cut to ``maxMessageLength`` characters (ending with `…`).
    static func bounded(_ text: String) -> String {
        text.count <= maxMessageLength ? text : String(text.prefix(maxMessageLength - 1)) + "…"
    }

    /// Whether a failed attempt is worth another. `BadDigest` (a body that did not match its
    /// Content-MD5 or checksum on arrival) and `XAmzContentSHA256Mismatch` (nor its signed
    /// payload hash) are bytes damaged on the way: sent again, they arrive whole, like a
    /// dropped upload.
    static func isRetryable(status: Int, error: ExportError) -> Bool {
        if status >= 500 || status == 429 { return true }
        if case .s3(let code, _) = error {
            return ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed",
                    "BadDigest", "XAmzContentSHA256Mismatch",
                    // A conditional write that raced another request for the same key: AWS says retry.
                    "ConditionalRequestConflict"].contains(code)
        }
        return false
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}
