import ExporterCore
import NIOCore
import Testing

/// Throttling (429 `SlowDown` / `TooManyRequests`) and `400 RequestTimeout` (S3 gave up waiting
/// for the body) are transient: the request is sent again and the export equals a clean run,
/// for a single PutObject and for a multipart part alike. A 400 with any other code is not
/// retried (FaultInjectionTests covers 403).
/// Serialized, with a generous request timeout: a request timing out on a loaded machine would
/// be retried too and muddle the count of requests.
@Suite(TestServices.needsServices(), .serialized)
struct ThrottlingRetryTests {
    @Test(arguments: FaultInjectionTests.Shape.allCases, [
        FaultProxy.Fault.status(429, code: "SlowDown"),
        .status(429, code: "TooManyRequests"),
        .status(400, code: "RequestTimeout"),
    ])
    func throttlingAndRequestTimeoutAreRetried(shape: FaultInjectionTests.Shape, fault: FaultProxy.Fault) async throws {
        let outcome = try await FaultInjectionTests().export(shape, faults: [shape.dataRequest: fault], requestTimeout: .seconds(180))
        #expect(!outcome.failed, "\(String(describing: outcome.error))")
        #expect(outcome.object == outcome.clean, "same bytes as a clean run")
        #expect(outcome.pendingUploads.isEmpty)
        #expect(outcome.requests.count == shape.requestsWithOneRetry, "\(outcome.requests)")
        // The refused request is the one sent again.
        let refusedAndRetried = Array(outcome.requests.dropFirst(shape.dataRequest - 1).prefix(2))
        #expect(refusedAndRetried.count == 2)
        #expect(Set(refusedAndRetried).count == 1, "\(outcome.requests)")
        #expect(refusedAndRetried.first?.hasPrefix("PUT ") == true, "the data upload is the one retried: \(outcome.requests)")
    }

    @Test(arguments: FaultInjectionTests.Shape.allCases)
    func anotherBadRequestIsNotRetried(shape: FaultInjectionTests.Shape) async throws {
        let outcome = try await FaultInjectionTests().export(shape, faults: [shape.dataRequest: .status(400, code: "InvalidArgument")],
                                                             requestTimeout: .seconds(180))
        #expect(outcome.failed)
        #expect(outcome.error?.code == "s3:InvalidArgument")
        #expect(outcome.object == nil)
        #expect(outcome.pendingUploads.isEmpty)
        #expect(outcome.requests.dropFirst(shape.dataRequest - 1).filter { $0.hasPrefix("PUT") }.count == 1, "\(outcome.requests)")
    }
}
