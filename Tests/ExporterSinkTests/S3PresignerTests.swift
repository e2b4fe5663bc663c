import ExporterSink
import Foundation
import SigV4
import Testing

/// Presigned GET URLs on each kind of endpoint (DESIGN §2 `endpoint_url`, `virtual_host_style`):
/// the URL's host and path are the ones the uploads use, and that host is the one signed.
/// Expected signatures from an independent implementation of the S3 query-signing page
/// (Python hashlib/hmac, which first reproduces the page's own example).
@Suite("S3Presigner")
struct S3PresignerTests {
    let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                     secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// 2026-11-27T18:30:00Z.
    let date = Date(timeIntervalSince1970: 1_795_804_200)

    private func credential(_ region: String) -> String {
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261127%2F\(region)%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20261127T183000Z"
    }

    @Test func customEndpointPathStyleWithSessionToken() throws {
        let endpoint = try S3Endpoint(bucket: "exports", region: "us-east-1", endpointURL: "http://127.0.0.1:9000",
                                      virtualHostStyle: false)
        let withToken = AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                                       sessionToken: "tok/en+1")
        let url = S3Presigner(endpoint: endpoint, credentials: withToken).getURL(key: "a/b c.csv", expiresIn: 3600, at: date)
        #expect(url == "http://127.0.0.1:9000/exports/a/b%20c.csv?" + credential("us-east-1")
            + "&X-Amz-Expires=3600&X-Amz-Security-Token=tok%2Fen%2B1&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=53f04d8e1640cc0cd3c9e404aabe76f25867187abb6c4bb0749df3f1571ae31d")
        #expect(!url.contains("wJalrXUtnFEMI"))
    }

    @Test func awsDottedBucketIsPathStyle() throws {
        let endpoint = try S3Endpoint(bucket: "acme.exports", region: "eu-west-1", endpointURL: nil, virtualHostStyle: false)
        let url = S3Presigner(endpoint: endpoint, credentials: credentials).getURL(key: "k.csv", expiresIn: 604_800, at: date)
        #expect(url == "https://s3.eu-west-1.amazonaws.com/acme.exports/k.csv?" + credential("eu-west-1")
            + "&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=d57e7069a84bc9db1f8bcaa3af295363c2190f46214adf372e5145de409e27bf")
    }

    @Test func awsVirtualHostedStyle() throws {
        let endpoint = try S3Endpoint(bucket: "acme-exports", region: "us-west-2", endpointURL: nil, virtualHostStyle: false)
        let url = S3Presigner(endpoint: endpoint, credentials: credentials).getURL(key: "x/y.csv.gz", expiresIn: 3600, at: date)
        #expect(url == "https://acme-exports.s3.us-west-2.amazonaws.com/x/y.csv.gz?" + credential("us-west-2")
            + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=984fa53b551dcc7eb16f1e291a57d0a4524c0c52d2504fcf8763623cbf95a80c")
    }

    @Test func customEndpointVirtualHostStyle() throws {
        let endpoint = try S3Endpoint(bucket: "exports", region: "auto", endpointURL: "https://minio.example.com",
                                      virtualHostStyle: true)
        let url = S3Presigner(endpoint: endpoint, credentials: credentials).getURL(key: "k.csv", expiresIn: 60, at: date)
        #expect(url == "https://exports.minio.example.com/k.csv?" + credential("auto")
            + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=074f90c13f4cab00150fcc1d9dc4c31a0f33c27c36f6a6713a1c3c28a645c594")
    }
}
