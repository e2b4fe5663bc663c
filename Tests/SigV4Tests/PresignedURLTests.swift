import Foundation
import SigV4
import Testing

/// Query-string signing (presigned URLs), checked against the worked example of
/// "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)"
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
///
/// The other cases (session token, a key that needs encoding) have no published vector; their
/// expected values come from an independent implementation written from the same page (Python's
/// hashlib/hmac), which reproduces the documentation's example first.
@Suite("Presigned URLs")
struct PresignedURLTests {
    let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                     secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// 20130524T000000Z, the example's fixed clock.
    let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)

    private func getRequest(path: String, host: String) -> SigV4Request {
        SigV4Request(method: "GET", path: path, headers: [(name: "host", value: host)],
                     payloadSHA256Hex: SigV4Signer.unsignedPayload, includesContentSHA256Header: false)
    }

    @Test("the S3 documentation's example, byte for byte")
    func documentationExample() {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let request = getRequest(path: "/test.txt", host: "examplebucket.s3.amazonaws.com")

        // Task 1: the canonical request, as the page prints it.
        let canonical = signer.presignedCanonicalRequest(for: request, expiresIn: 86_400, at: exampleDate)
        #expect(canonical == """
            GET
            /test.txt
            X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host
            host:examplebucket.s3.amazonaws.com

            host
            UNSIGNED-PAYLOAD
            """)

        // Task 2: the string to sign, as the page prints it.
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, at: exampleDate)
        #expect(stringToSign == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04
            """)

        // Task 3: the signature, and the whole presigned URL.
        #expect(signer.signature(stringToSign: stringToSign, at: exampleDate)
            == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        let items = signer.presignedQueryItems(for: request, expiresIn: 86_400, at: exampleDate)
        #expect("https://examplebucket.s3.amazonaws.com/test.txt?" + SigV4Signer.queryString(items) == """
            https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
            &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
            &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
            &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404
            """)
    }

    @Test("a session token is a signed query parameter, encoded")
    func sessionToken() {
        let token = "AQoDYXdzEJr//////////wEaEXAMPLE+token/with=chars"
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                                        sessionToken: token),
            region: "us-east-1", service: "s3")
        let request = getRequest(path: "/test.txt", host: "examplebucket.s3.amazonaws.com")
        let canonical = signer.presignedCanonicalRequest(for: request, expiresIn: 3600, at: exampleDate)
        #expect(canonical == """
            GET
            /test.txt
            X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=AQoDYXdzEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaEXAMPLE%2Btoken%2Fwith%3Dchars&X-Amz-SignedHeaders=host
            host:examplebucket.s3.amazonaws.com

            host
            UNSIGNED-PAYLOAD
            """)
        #expect(signer.stringToSign(canonicalRequest: canonical, at: exampleDate) == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            b2c879d8c94432d4459ed00882dc6c293e4b876e9c2ac5a5b246e8fcc706bb17
            """)
        let items = signer.presignedQueryItems(for: request, expiresIn: 3600, at: exampleDate)
        #expect(items.map(\.name) == [
            "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token",
            "X-Amz-SignedHeaders", "X-Amz-Signature",
        ])
        #expect(items.first { $0.name == "X-Amz-Security-Token" }?.value == token)
        #expect(items.last?.value == "871cbd28327ba6b8fe3ad259636ec2967ae5840c0db47a05d3c4687282df769e")
        let query = SigV4Signer.queryString(items)
        #expect(query.contains("&X-Amz-Security-Token=AQoDYXdzEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaEXAMPLE%2Btoken%2Fwith%3Dchars&"))
        // The URL carries the access key id, never the secret.
        #expect(!query.contains("wJalrXUtnFEMI"))
    }

    @Test("a key that needs URI encoding, path style on a custom endpoint")
    func encodedKey() {
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "s3")
        let key = "exports/feature usage/2026/11/20/a+b=c%d ü.csv.gz"
        let path = "/my.bucket/" + URIEncoding.encode(key, encodeSlash: false)
        let date = Date(timeIntervalSince1970: 1_795_804_200)  // 2026-11-27T18:30:00Z
        let request = getRequest(path: path, host: "127.0.0.1:9000")
        #expect(signer.presignedCanonicalRequest(for: request, expiresIn: 900, at: date) == """
            GET
            /my.bucket/exports/feature%20usage/2026/11/20/a%2Bb%3Dc%25d%20%C3%BC.csv.gz
            X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261127%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T183000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host
            host:127.0.0.1:9000

            host
            UNSIGNED-PAYLOAD
            """)
        let items = signer.presignedQueryItems(for: request, expiresIn: 900, at: date)
        #expect(items.last?.name == "X-Amz-Signature")
        #expect(items.last?.value == "7b3cba4ce282fa44f0322f56ce1997c70b82a549a8b90aa5fef6d3e2aa79aeb2")
    }

    @Test("the request's own query items are signed and kept before the authentication")
    func ownQueryItems() {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        var request = getRequest(path: "/test.txt", host: "examplebucket.s3.amazonaws.com")
        request.queryItems = [(name: "response-content-disposition", value: "attachment")]
        let canonical = signer.presignedCanonicalRequest(for: request, expiresIn: 60, at: exampleDate)
        #expect(canonical.split(separator: "\n", omittingEmptySubsequences: false)[2].hasSuffix(
            "&X-Amz-SignedHeaders=host&response-content-disposition=attachment"))
        let items = signer.presignedQueryItems(for: request, expiresIn: 60, at: exampleDate)
        #expect(items.first?.name == "response-content-disposition")
        #expect(items.last?.name == "X-Amz-Signature")
    }
}
