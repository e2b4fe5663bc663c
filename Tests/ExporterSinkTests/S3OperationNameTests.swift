import ExporterSink
import Testing

/// The `operation` label of flexprice_exporter_s3_requests_total: each request the exporter
/// makes is named as the S3 API reference names it.
struct S3OperationNameTests {
    @Test(arguments: [
        ("PUT", "a/b.csv", [], "PutObject"),
        ("PUT", "a/b.csv", [("partNumber", "3"), ("uploadId", "u")], "UploadPart"),
        ("POST", "a/b.csv", [("uploads", "")], "CreateMultipartUpload"),
        ("POST", "a/b.csv", [("uploadId", "u")], "CompleteMultipartUpload"),
        ("DELETE", "a/b.csv", [("uploadId", "u")], "AbortMultipartUpload"),
        ("DELETE", "a/b.csv", [], "DeleteObject"),
        ("GET", "a/b.csv", [], "GetObject"),
        ("HEAD", nil, [], "HeadBucket"),
        ("GET", nil, [("uploads", ""), ("prefix", "p")], "ListMultipartUploads"),
        ("GET", nil, [("list-type", "2"), ("prefix", "p")], "ListObjectsV2"),
    ] as [(String, String?, [(String, String)], String)])
    func names(_ method: String, _ key: String?, _ query: [(String, String)], _ expected: String) {
        #expect(S3Client.operationName(method: method, key: key, query: query) == expected)
    }
}
