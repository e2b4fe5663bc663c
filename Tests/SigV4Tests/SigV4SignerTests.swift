import Foundation
import SigV4
import Testing

/// Signer behaviour that neither the AWS suite nor the S3 examples pin down on their own.
@Suite("SigV4Signer")
struct SigV4SignerTests {
    let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1",
        service: "s3"
    )
    /// 20150830T123600Z.
    let date = Date(timeIntervalSince1970: 1_440_938_160)
    let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("signing key derivation matches the IAM documentation examples")
    func signingKey() {
        // "Create a signed AWS API request", step 4 (20150830/us-east-1/iam) and the older
        // "Examples of how to derive a signing key" page (20120215/us-east-1/iam).
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        let key2015 = SigV4Signer.signingKey(secretAccessKey: secret, dateStamp: "20150830", region: "us-east-1", service: "iam")
        #expect(key2015.map { String(format: "%02x", $0) }.joined() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        let key2012 = SigV4Signer.signingKey(secretAccessKey: secret, dateStamp: "20120215", region: "us-east-1", service: "iam")
        #expect(key2012.map { String(format: "%02x", $0) }.joined() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test("hexSHA256 is lowercase hex")
    func sha256() {
        #expect(SigV4Signer.hexSHA256([UInt8]()) == emptySHA256)
        #expect(SigV4Signer.hexSHA256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SigV4Signer.hexSHA256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("dates are rendered in UTC, whole seconds rounded down", arguments: [
        (1_440_938_160.999, "20150830T123600Z", "20150830"),
        (0, "19700101T000000Z", "19700101"),
        (951_782_400, "20000229T000000Z", "20000229"),
        (1_709_251_199, "20240229T235959Z", "20240229"),
        (4_102_444_800, "21000101T000000Z", "21000101"),
    ])
    func timestamps(seconds: Double, amzDate: String, dateStamp: String) {
        let date = Date(timeIntervalSince1970: seconds)
        let request = SigV4Request(method: "GET", path: "/", headers: [(name: "host", value: "h")], payloadSHA256Hex: emptySHA256)
        #expect(signer.sign(request, at: date).first { $0.name == "x-amz-date" }?.value == amzDate)
        #expect(signer.credentialScope(at: date) == "\(dateStamp)/us-east-1/s3/aws4_request")
    }

    @Test("S3 paths are used as given: not normalized, not encoded again")
    func s3Path() {
        let path = "/" + URIEncoding.encode("a//./b/../c d+e.csv", encodeSlash: false)
        #expect(path == "/a//./b/../c%20d%2Be.csv")
        let request = SigV4Request(method: "PUT", path: path, headers: [(name: "host", value: "h")], payloadSHA256Hex: emptySHA256)
        #expect(lines(signer.canonicalRequest(for: request, at: date))[1] == path)

        var other = request
        other.pathEncoding = .normalizedDoubleEncoded
        #expect(lines(signer.canonicalRequest(for: other, at: date))[1] == "/a/c%2520d%252Be.csv")
    }

    @Test("path normalization", arguments: [
        ("", "/", "/"),
        ("/", "/", "/"),
        ("/a/b/..", "/a/b/..", "/a/"),
        ("/a/./b/", "/a/./b/", "/a/b/"),
        ("/../a", "/../a", "/a"),
        ("/a%2Fb", "/a%2Fb", "/a%252Fb"),
    ])
    func normalization(path: String, s3: String, normalized: String) {
        var request = SigV4Request(method: "GET", path: path, headers: [(name: "host", value: "h")], payloadSHA256Hex: emptySHA256)
        #expect(lines(signer.canonicalRequest(for: request, at: date))[1] == s3)
        request.pathEncoding = .normalizedDoubleEncoded
        #expect(lines(signer.canonicalRequest(for: request, at: date))[1] == normalized)
    }

    @Test("query items are encoded, sorted by encoded name then value, empty values kept")
    func query() {
        let request = SigV4Request(
            method: "GET",
            path: "/",
            queryItems: [
                (name: "uploadId", value: "a/b+c=="),
                (name: "partNumber", value: "10"),
                (name: "b", value: "2"),
                (name: "b", value: "10"),
                (name: "uploads", value: ""),
                (name: "prefix", value: "x y/é"),
            ],
            headers: [(name: "host", value: "h")],
            payloadSHA256Hex: emptySHA256
        )
        #expect(
            lines(signer.canonicalRequest(for: request, at: date))[2]
                == "b=10&b=2&partNumber=10&prefix=x%20y%2F%C3%A9&uploadId=a%2Fb%2Bc%3D%3D&uploads="
        )
    }

    @Test("headers: lowercased, trimmed, spaces collapsed, repeated names joined in order, sorted")
    func headers() {
        let request = SigV4Request(
            method: "GET",
            path: "/",
            headers: [
                (name: "Host", value: " h "),
                (name: "X-Amz-Meta-B", value: "  two   words  "),
                (name: "x-amz-meta-a", value: "1"),
                (name: "X-AMZ-META-A", value: "\t2\t"),
            ],
            payloadSHA256Hex: emptySHA256
        )
        let canonical = lines(signer.canonicalRequest(for: request, at: date))
        #expect(Array(canonical[3...7]) == [
            "host:h",
            "x-amz-content-sha256:\(emptySHA256)",
            "x-amz-date:20150830T123600Z",
            "x-amz-meta-a:1,2",
            "x-amz-meta-b:two words",
        ])
        #expect(canonical[9] == "host;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-meta-b")
        #expect(signer.signedHeaders(for: request, at: date) == canonical[9])
    }

    @Test("headers the signer adds replace caller-supplied ones; authorization is never signed")
    func ownedHeaders() {
        let request = SigV4Request(
            method: "GET",
            path: "/",
            headers: [
                (name: "host", value: "h"),
                (name: "X-Amz-Date", value: "19990101T000000Z"),
                (name: "x-amz-content-sha256", value: "stale"),
                (name: "Authorization", value: "stale"),
            ],
            payloadSHA256Hex: Self.unsigned
        )
        let canonical = signer.canonicalRequest(for: request, at: date)
        #expect(lines(canonical)[3...5] == ["host:h", "x-amz-content-sha256:UNSIGNED-PAYLOAD", "x-amz-date:20150830T123600Z"])
        #expect(lines(canonical).last == "UNSIGNED-PAYLOAD")
        #expect(!canonical.contains("stale"))
        #expect(!canonical.contains("authorization"))
    }

    static let unsigned = SigV4Signer.unsignedPayload

    @Test("a session token is added and signed")
    func sessionToken() {
        let tokenSigner = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "TOKEN"),
            region: "eu-west-1",
            service: "s3"
        )
        let request = SigV4Request(method: "GET", path: "/", headers: [(name: "host", value: "h")], payloadSHA256Hex: emptySHA256)
        let added = tokenSigner.sign(request, at: date)
        #expect(added.map(\.name) == ["x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "authorization"])
        #expect(added[2].value == "TOKEN")
        #expect(added[3].value.hasPrefix(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="
        ))
        #expect(tokenSigner.canonicalRequest(for: request, at: date).contains("\nx-amz-security-token:TOKEN\n"))
    }

    @Test("the result depends only on the inputs")
    func deterministic() {
        let request = SigV4Request(method: "GET", path: "/", headers: [(name: "host", value: "h")], payloadSHA256Hex: emptySHA256)
        let first = signer.sign(request, at: date)
        let second = signer.sign(request, at: date)
        #expect(first.map(\.name) == second.map(\.name))
        #expect(first.map(\.value) == second.map(\.value))
        let later = signer.sign(request, at: date.addingTimeInterval(1))
        #expect(first.last?.value != later.last?.value)
    }
}
