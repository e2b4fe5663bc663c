import AsyncHTTPClient
import ExporterCore
import ExporterEngine
import Logging
import NIOCore

extension ExportEngine {
    /// The tests' S3 sinks: moto and the tests' proxies listen on http://127.0.0.1, which the
    /// endpoint policy refuses unless an operator allows private and plain-HTTP endpoints, so
    /// the tests allow both, as `scripts/demo.sh` does. The policy's own tests pass a policy.
    static func s3Sinks(http: HTTPClient, logger: Logger, maxAttempts: Int, partSize: Int,
                        requestTimeout: TimeAmount = .seconds(120),
                        onS3Request: (@Sendable (_ operation: String, _ code: String) -> Void)? = nil) -> SinkFactory {
        s3Sinks(http: http, policy: EndpointPolicy(allowPrivate: true, allowHTTP: true), logger: logger,
                maxAttempts: maxAttempts, partSize: partSize, requestTimeout: requestTimeout, onS3Request: onS3Request)
    }
}
