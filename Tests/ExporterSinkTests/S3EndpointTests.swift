import ExporterSink
import Testing

/// S3 addressing (DESIGN §2): path-style on custom endpoints unless virtual_host_style;
/// virtual-hosted on AWS unless the bucket name has dots.
struct S3EndpointTests {
    @Test func customEndpointUsesPathStyle() throws {
        let e = try S3Endpoint(bucket: "exports", region: "us-east-1", endpointURL: "http://127.0.0.1:9000", virtualHostStyle: false)
        #expect(e.host == "127.0.0.1:9000")
        #expect(e.objectURL(key: "a/b c/ü.csv") == "http://127.0.0.1:9000/exports/a/b%20c/%C3%BC.csv")
        #expect(e.path(forKey: nil) == "/exports")
    }

    @Test func customEndpointWithVirtualHostStyle() throws {
        let e = try S3Endpoint(bucket: "exports", region: "auto", endpointURL: "https://minio.example.com", virtualHostStyle: true)
        #expect(e.host == "exports.minio.example.com")
        #expect(e.objectURL(key: "k.csv") == "https://exports.minio.example.com/k.csv")
        #expect(e.path(forKey: nil) == "/")
    }

    @Test func awsUsesVirtualHostedStyle() throws {
        let e = try S3Endpoint(bucket: "acme-exports", region: "us-west-2", endpointURL: nil, virtualHostStyle: false)
        #expect(e.objectURL(key: "x/y.csv.gz") == "https://acme-exports.s3.us-west-2.amazonaws.com/x/y.csv.gz")
    }

    @Test func awsBucketsWithDotsUsePathStyle() throws {
        let e = try S3Endpoint(bucket: "acme.exports", region: "eu-west-1", endpointURL: nil, virtualHostStyle: false)
        #expect(e.objectURL(key: "k") == "https://s3.eu-west-1.amazonaws.com/acme.exports/k")
    }

    @Test func endpointPathPrefixIsKept() throws {
        let e = try S3Endpoint(bucket: "b", region: "r", endpointURL: "http://gw.local:8080/s3/", virtualHostStyle: false)
        #expect(e.objectURL(key: "k") == "http://gw.local:8080/s3/b/k")
    }
}

/// The headers that store an object's type, encoding and server-side encryption (DESIGN §5).
struct ObjectAttributesTests {
    @Test func aes256() {
        let headers = ObjectAttributes(contentType: "text/csv", contentEncoding: "gzip", encryption: .aes256).headers
        #expect(headers.map { "\($0.0): \($0.1)" } == [
            "content-type: text/csv", "x-amz-server-side-encryption: AES256", "content-encoding: gzip",
        ])
    }

    @Test func kmsWithAKeyID() {
        let headers = ObjectAttributes(contentType: "application/x-ndjson", encryption: .kms, kmsKeyID: "arn:aws:kms:k").headers
        #expect(headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/x-ndjson", "x-amz-server-side-encryption: aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id: arn:aws:kms:k",
        ])
    }

    @Test func dsseWithoutAKeyIDUsesTheDefaultKey() {
        let headers = ObjectAttributes(contentType: "application/json", encryption: .kmsDSSE).headers
        #expect(headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/json", "x-amz-server-side-encryption: aws:kms:dsse",
        ])
    }

    /// The scheme's default port is not part of the host (a client sends `Host: host` for
    /// `https://host:443/`, and a presigned link must be signed for what it sends); any other is.
    @Test(arguments: [("https://minio.example.com:443/", "minio.example.com"), ("http://gw.local:80", "gw.local"),
                      ("http://gw.local:443", "gw.local:443"), ("https://gw.local:80/", "gw.local:80"),
                      ("https://gw.local:9443", "gw.local:9443")])
    func theSchemesDefaultPortIsLeftOut(_ endpoint: String, _ host: String) throws {
        let e = try S3Endpoint(bucket: "b", region: "r", endpointURL: endpoint, virtualHostStyle: false)
        #expect(e.host == host)
        #expect(e.objectURL(key: "k") == endpoint.prefix(while: { $0 != ":" }) + "://" + host + "/b/k")
    }
}
