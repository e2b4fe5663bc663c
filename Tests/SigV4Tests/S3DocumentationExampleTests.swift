import Foundation
import SigV4
import Testing

/// The worked examples of the Amazon S3 API Reference, "Signature Calculations for the
/// Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)"
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
///
/// They cover what the generic suite does not: the S3 path rules (encoded once, not normalized)
/// and the `x-amz-content-sha256` header.
@Suite("S3 documentation examples")
struct S3DocumentationExampleTests {
    let signer = SigV4Signer(
        credentials: AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ),
        region: "us-east-1",
        service: "s3"
    )
    /// 20130524T000000Z.
    let date = Date(timeIntervalSince1970: 1_369_353_600)
    let host = (name: "Host", value: "examplebucket.s3.amazonaws.com")
    let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private func expectSigned(
        _ request: SigV4Request,
        canonicalRequest: String,
        canonicalRequestHash: String,
        signedHeaders: String,
        signature: String
    ) {
        let canonical = signer.canonicalRequest(for: request, at: date)
        #expect(canonical == canonicalRequest)
        #expect(SigV4Signer.hexSHA256(canonical) == canonicalRequestHash)

        let stringToSign = signer.stringToSign(canonicalRequest: canonical, at: date)
        #expect(stringToSign == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            \(canonicalRequestHash)
            """)
        #expect(signer.signature(stringToSign: stringToSign, at: date) == signature)

        let added = signer.sign(request, at: date)
        #expect(added.map(\.name) == ["x-amz-date", "x-amz-content-sha256", "authorization"])
        #expect(added.first { $0.name == "x-amz-date" }?.value == "20130524T000000Z")
        #expect(added.first { $0.name == "x-amz-content-sha256" }?.value == request.payloadSHA256Hex)
        #expect(
            added.first { $0.name == "authorization" }?.value
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        )
    }

    @Test("GET object")
    func getObject() {
        let request = SigV4Request(
            method: "GET",
            path: "/test.txt",
            headers: [host, (name: "Range", value: "bytes=0-9")],
            payloadSHA256Hex: SigV4Signer.hexSHA256([UInt8]())
        )
        expectSigned(
            request,
            canonicalRequest: """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:\(emptySHA256)
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                \(emptySHA256)
                """,
            canonicalRequestHash: "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test("PUT object")
    func putObject() {
        let payloadHash = SigV4Signer.hexSHA256("Welcome to Amazon S3.")
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Request(
            method: "PUT",
            // The key "test$file.text", encoded once the way the S3 client builds wire paths.
            path: "/" + URIEncoding.encode("test$file.text", encodeSlash: false),
            headers: [
                host,
                (name: "Date", value: "Fri, 24 May 2013 00:00:00 GMT"),
                (name: "x-amz-storage-class", value: "REDUCED_REDUNDANCY"),
            ],
            payloadSHA256Hex: payloadHash
        )
        expectSigned(
            request,
            canonicalRequest: """
                PUT
                /test%24file.text

                date:Fri, 24 May 2013 00:00:00 GMT
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:\(payloadHash)
                x-amz-date:20130524T000000Z
                x-amz-storage-class:REDUCED_REDUNDANCY

                date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class
                \(payloadHash)
                """,
            canonicalRequestHash: "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
            signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        )
    }

    @Test("GET bucket lifecycle (query parameter without value)")
    func getBucketLifecycle() {
        let request = SigV4Request(
            method: "GET",
            path: "/",
            queryItems: [(name: "lifecycle", value: "")],
            headers: [host],
            payloadSHA256Hex: emptySHA256
        )
        expectSigned(
            request,
            canonicalRequest: """
                GET
                /
                lifecycle=
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:\(emptySHA256)
                x-amz-date:20130524T000000Z

                host;x-amz-content-sha256;x-amz-date
                \(emptySHA256)
                """,
            canonicalRequestHash: "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        )
    }

    @Test("GET bucket (list objects), query parameters sorted")
    func listObjects() {
        let request = SigV4Request(
            method: "GET",
            path: "/",
            // Given out of order on purpose: the signer sorts them.
            queryItems: [(name: "prefix", value: "J"), (name: "max-keys", value: "2")],
            headers: [host],
            payloadSHA256Hex: emptySHA256
        )
        expectSigned(
            request,
            canonicalRequest: """
                GET
                /
                max-keys=2&prefix=J
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:\(emptySHA256)
                x-amz-date:20130524T000000Z

                host;x-amz-content-sha256;x-amz-date
                \(emptySHA256)
                """,
            canonicalRequestHash: "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        )
    }
}
