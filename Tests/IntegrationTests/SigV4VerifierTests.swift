import Foundation
import SigV4
import Testing

/// The test's own signature check (``SigV4Verifier``) must accept what AWS accepts and refuse
/// what AWS refuses, or the proxy's "zero mismatches" proves nothing. Known answers: the worked
/// examples of the S3 API Reference, "Signature Calculations for the Authorization Header:
/// Transferring Payload in a Single Chunk", as the wire requests the page shows.
@Suite struct SigV4VerifierTests {
    let verifier = SigV4Verifier(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    static func authorization(_ signedHeaders: String, _ signature: String) -> (String, String) {
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=\(signedHeaders),Signature=\(signature)")
    }

    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let target: String
        let headers: [(String, String)]
        let body: String
        var testDescription: String { name }
    }

    static let examples = [
        Example(name: "GET object", method: "GET", target: "/test.txt", headers: [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", emptySHA256), ("x-amz-date", "20130524T000000Z"),
            authorization("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        ], body: ""),
        Example(name: "PUT object", method: "PUT", target: "/test%24file.text", headers: [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
            authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                          "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        ], body: "Welcome to Amazon S3."),
        Example(name: "GET bucket lifecycle", method: "GET", target: "/?lifecycle", headers: [
            ("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
            ("x-amz-content-sha256", emptySHA256),
            authorization("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        ], body: ""),
        Example(name: "GET bucket, query out of order", method: "GET", target: "/?max-keys=2&prefix=J", headers: [
            ("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
            ("x-amz-content-sha256", emptySHA256),
            authorization("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
        ], body: ""),
    ]

    func verify(_ example: Example, target: String? = nil, headers: [(String, String)]? = nil, body: String? = nil,
                with verifier: SigV4Verifier? = nil) -> SigV4Verifier.Verdict {
        (verifier ?? self.verifier).verify(method: example.method, target: target ?? example.target,
                                           headers: headers ?? example.headers, body: Array((body ?? example.body).utf8))
    }

    @Test(arguments: examples)
    func theDocumentationExamplesVerify(example: Example) {
        #expect(verify(example) == .valid(unsignedPayload: false))
    }

    @Test(arguments: examples)
    func aWrongSecretIsAMismatch(example: Example) {
        let wrong = SigV4Verifier(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ")
        guard case .invalid(let reason) = verify(example, with: wrong) else {
            Issue.record("a wrong secret verified")
            return
        }
        #expect(reason.contains("expected"))
    }

    @Test(arguments: examples)
    func anyChangeToWhatWasSignedIsAMismatch(example: Example) {
        let changedHost = example.headers.map { $0.0 == "Host" ? ($0.0, "otherbucket.s3.amazonaws.com") : $0 }
        let changedDate = example.headers.map { $0.0 == "x-amz-date" ? ($0.0, "20130524T000001Z") : $0 }
        let withoutHost = example.headers.filter { $0.0 != "Host" }
        let unsignedAmzHeader = example.headers + [("x-amz-server-side-encryption", "AES256")]
        let (path, query) = SigV4Verifier.split(target: example.target)
        let cases: [(String, SigV4Verifier.Verdict)] = [
            ("host", verify(example, headers: changedHost)),
            ("x-amz-date", verify(example, headers: changedDate)),
            ("no host", verify(example, headers: withoutHost)),
            ("an unsigned x-amz header", verify(example, headers: unsignedAmzHeader)),
            ("path", verify(example, target: path + "x" + (query.isEmpty ? "" : "?" + query))),
            ("query", verify(example, target: path + "?" + (query.isEmpty ? "a=b" : query + "&a=b"))),
            ("body", verify(example, body: example.body + "!")),
        ]
        for (change, verdict) in cases {
            guard case .invalid = verdict else {
                Issue.record("changing the \(change) still verified: \(verdict)")
                continue
            }
        }
    }

    /// Signed by the project's signer, checked by ours: an encoded `/` in a query value (the
    /// ListMultipartUploads prefix; moto's own check gets this wrong), a key needing encoding,
    /// and UNSIGNED-PAYLOAD.
    @Test(arguments: [false, true])
    func anEncodedSlashInAQueryValueAndAnUnsignedPayloadVerify(unsignedPayload: Bool) throws {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                             secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1", service: "s3")
        let body = "a body"
        let payload = unsignedPayload ? SigV4Signer.unsignedPayload : SigV4Signer.hexSHA256(body)
        let path = "/bucket/" + URIEncoding.encode("exports/ä b+c=d%e/f.csv", encodeSlash: false)
        let query = [(name: "uploads", value: ""), (name: "prefix", value: "exports/ä b+c/")]
        let request = SigV4Request(method: "PUT", path: path, queryItems: query,
                                   headers: [(name: "host", value: "127.0.0.1:9000")], payloadSHA256Hex: payload)
        let added = signer.sign(request, at: Date())
        let target = path + "?" + query.map { URIEncoding.encode($0.name, encodeSlash: true) + "=" + URIEncoding.encode($0.value, encodeSlash: true) }
            .joined(separator: "&")
        #expect(target.contains("prefix=exports%2F"))
        let headers = [("Host", "127.0.0.1:9000")] + added.map { ($0.name, $0.value) }
        #expect(verifier.verify(method: "PUT", target: target, headers: headers, body: Array(body.utf8), now: Date())
                    == .valid(unsignedPayload: unsignedPayload))
        // A signed hash must match the body; UNSIGNED-PAYLOAD leaves the body out of the signature.
        let tampered = verifier.verify(method: "PUT", target: target, headers: headers, body: Array("another".utf8), now: Date())
        if unsignedPayload {
            #expect(tampered == .valid(unsignedPayload: true))
        } else {
            guard case .invalid(let reason) = tampered else { Issue.record("a changed body verified"); return }
            #expect(reason.contains("does not match the body"))
        }
        // Signed an hour ago: S3 refuses a request over 15 minutes off.
        let late = verifier.verify(method: "PUT", target: target, headers: headers, body: Array(body.utf8),
                                   now: Date().addingTimeInterval(3_600))
        if case .valid = late { Issue.record("a request signed an hour ago verified") }
    }
}
