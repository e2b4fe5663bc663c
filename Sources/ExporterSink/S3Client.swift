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
    private let http: HTTPClient
    private let logger: Logger
    private let maxAttempts: Int
    private let requestTimeout: TimeAmount
    /// The clock for signatures; a parameter so tests can sign at a fixed instant.
    private let now: @Sendable () -> Date
    /// Told of every attempt's outcome (retries included): the S3 operation (`PutObject`,
    /// `UploadPart`, ...) and the HTTP status, or `network` when no response came. The metrics
    /// count them (`flexprice_exporter_s3_requests_total`); must return at once.
    private let onRequest: (@Sendable (_ operation: String, _ code: String) -> Void)?

    public init(endpoint: S3Endpoint, credentials: AWSCredentials, http: HTTPClient, logger: Logger,
                maxAttempts: Int = 5, requestTimeout: TimeAmount = .seconds(120),
                now: @escaping @Sendable () -> Date = { Date() },
                onRequest: (@Sendable (_ operation: String, _ code: String) -> Void)? = nil) {
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: credentials, region: endpoint.region, service: "s3")
        self.http = http
        self.logger = logger
        self.maxAttempts = max(1, maxAttempts)
        self.requestTimeout = requestTimeout
        self.now = now
        self.onRequest = onRequest
    }

    // MARK: Object calls

    /// PutObject: one request for a whole (small) object.
    public func putObject(key: String, body: ByteBuffer, headers: [(String, String)]) async throws -> String {
        let response = try await send("PUT", key: key, headers: headers + [("content-md5", Self.md5Base64(body))], body: body)
        return response.headers.first(name: "etag") ?? ""
    }

    /// CreateMultipartUpload: returns the UploadId.
    public func createMultipartUpload(key: String, headers: [(String, String)]) async throws -> String {
        let response = try await send("POST", key: key, query: [("uploads", "")], headers: headers)
        guard let id = S3XML.value(of: "UploadId", in: String(buffer: response.body)), !id.isEmpty else {
            throw ExportError.s3(code: "InvalidResponse", message: "CreateMultipartUpload for \(key) returned no UploadId")
        }
        return id
    }

    /// UploadPart: returns the part's ETag.
    public func uploadPart(key: String, uploadID: String, partNumber: Int, body: ByteBuffer) async throws -> String {
        let response = try await send(
            "PUT", key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
            headers: [("content-md5", Self.md5Base64(body))], body: body)
        guard let etag = response.headers.first(name: "etag") else {
            throw ExportError.s3(code: "InvalidResponse", message: "UploadPart \(partNumber) of \(key) returned no ETag")
        }
        return etag
    }

    /// CompleteMultipartUpload. S3 may answer 200 with an error document; that is an error too.
    public func completeMultipartUpload(key: String, uploadID: String, parts: [(number: Int, etag: String)]) async throws {
        var xml = "<CompleteMultipartUpload>"
        for part in parts {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XML.escape(part.etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send("POST", key: key, query: [("uploadId", uploadID)],
                                      headers: [("content-type", "application/xml")], body: ByteBuffer(string: xml))
        let text = String(buffer: response.body)
        if text.contains("<Error>") {
            throw Self.error(status: response.status, body: text, operation: "CompleteMultipartUpload \(key)")
        }
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

    public func headBucket() async throws {
        _ = try await send("HEAD", key: nil)
    }

    /// The keys of multipart uploads still open under `prefix` (for checks and tests).
    public func listMultipartUploads(prefix: String = "") async throws -> [String] {
        let response = try await send("GET", key: nil, query: [("uploads", ""), ("prefix", prefix)])
        return S3XML.values(of: "Key", in: String(buffer: response.body))
    }

    /// The open multipart uploads under `prefix`, with their upload ids.
    public func listMultipartUploadIDs(prefix: String) async throws -> [(key: String, uploadID: String)] {
        let response = try await send("GET", key: nil, query: [("uploads", ""), ("prefix", prefix)])
        return S3XML.values(of: "Upload", in: String(buffer: response.body)).compactMap { upload in
            guard let key = S3XML.value(of: "Key", in: upload), let id = S3XML.value(of: "UploadId", in: upload) else { return nil }
            return (key, id)
        }
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
            let xml = String(buffer: try await send("GET", key: nil, query: query).body)
            keys += S3XML.values(of: "Key", in: xml)
            let next = S3XML.value(of: "IsTruncated", in: xml) == "true" ? S3XML.value(of: "NextContinuationToken", in: xml) : nil
            // A token that does not move on would loop forever: treat it as the end.
            token = next == token ? nil : next
        } while token != nil
        return keys
    }

    // MARK: Transport

    /// Signs and sends one request, retrying transient failures.
    public func send(_ method: String, key: String?, query: [(String, String)] = [],
                     headers: [(String, String)] = [], body: ByteBuffer? = nil) async throws -> Response {
        let payload = body ?? ByteBuffer()
        let payloadHash = payload.withUnsafeReadableBytes { Hex.lowercase(SHA256.hash(data: $0)) }
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
                    if !Task.isCancelled && !(error is CancellationError) { onRequest?(operationName, "network") }
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
                let failure = ExportError.network("S3 \(operation) to \(endpoint.host) failed: \(Self.describe(error))")
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
        let response = try await self.http.execute(http, timeout: requestTimeout, logger: logger)
        let responseBody = method == "HEAD" ? ByteBuffer() : try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Response(status: Int(response.status.code), headers: response.headers, body: responseBody)
    }

    static func error(status: Int, body: String, operation: String) -> ExportError {
        let code = S3XML.value(of: "Code", in: body) ?? {
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
        let message = S3XML.value(of: "Message", in: body) ?? "HTTP status \(status)"
        return .s3(code: code, message: "\(message) (\(operation), HTTP \(status))")
    }

    static func isRetryable(status: Int, error: ExportError) -> Bool {
        if status >= 500 || status == 429 { return true }
        if case .s3(let code, _) = error {
            return ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed"].contains(code)
        }
        return false
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }

    static func md5Base64(_ body: ByteBuffer) -> String {
        body.withUnsafeReadableBytes { Data(Insecure.MD5.hash(data: $0)).base64EncodedString() }
    }
}
