@testable import ExporterSink
import ExporterCore
import Testing

/// Only an S3 error document is read for a code and a message; nothing else an endpoint sends
/// reaches an error (run history and tasks.error_summary are shown to tenants).
struct S3ErrorResponseTests {
    @Test func anS3ErrorDocumentIsRead() {
        // The example of https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>NoSuchKey</Code>
              <Message>The resource you requested does not exist</Message>
              <Resource>/mybucket/myfoto.jpg</Resource>
              <RequestId>4442587FB7D0A2F9</RequestId>
            </Error>
            """
        #expect(S3ErrorResponse(body: body) == S3ErrorResponse(code: "NoSuchKey", message: "The resource you requested does not exist"))
    }

    @Test(arguments: [
        "",
        "MARKER",
        "<html><body><Error><Code>MARKER</Code><Message>MARKER</Message></Error></body></html>",
        "{\"Code\":\"MARKER\"}",
        "<Error><Code>MAR KER</Code></Error>",
        "<Error><Code>MARKER&lt;script&gt;</Code></Error>",
        "<Error><Code></Code></Error>",
        "<Error><Message>no code</Message></Error>",
        "<Error><Code>\(String(repeating: "A", count: 65))</Code></Error>",
        "garbage<Error><Code>MARKER</Code></Error>",
    ])
    func anythingElseIsNot(_ body: String) {
        #expect(S3ErrorResponse(body: body) == nil)
    }

    @Test func theMessageIsOneBoundedLine() throws {
        let long = String(repeating: "x", count: 300)
        let document = try #require(S3ErrorResponse(body: "<Error><Code>SlowDown</Code><Message>Please\n\treduce \u{1B}[31m \(long)</Message></Error>"))
        #expect(document.code == "SlowDown")
        let message = try #require(document.message)
        #expect(message.count == 200)
        #expect(message.hasPrefix("Please reduce [31m xxx"))
        #expect(message.hasSuffix("x…"))
    }

    @Test func theRootElementIsFoundPastTheDeclarationAndComments() {
        #expect(S3XML.root(of: "<?xml version=\"1.0\"?>\n<!-- c --><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">") == "ListBucketResult")
        #expect(S3XML.root(of: "\u{FEFF}  <Error/>") == "Error")
        #expect(S3XML.root(of: "<!DOCTYPE html><html>") == "html")
        #expect(S3XML.root(of: "text <Error>") == nil)
        #expect(S3XML.root(of: "") == nil)
    }

    @Test func anErrorStatusWithoutAnS3DocumentNamesTheStatusAndNoByteOfTheBody() {
        let error = S3Client.error(status: 403, body: "<html>MARKER <Code>MARKER</Code></html>", operation: "PUT p/k.csv")
        #expect(error == .s3(code: "AccessDenied",
                             message: "HTTP status 403 with a body that is not an S3 error document (PUT p/k.csv, HTTP 403)"))
        #expect(S3Client.error(status: 500, body: "", operation: "PUT p/k.csv")
            == .s3(code: "InternalError", message: "HTTP status 500 (PUT p/k.csv, HTTP 500)"))
        #expect(S3Client.error(status: 418, body: "MARKER", operation: "GET b").code == "s3:HTTP418")
        #expect(S3Client.error(status: 400, body: "<Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message></Error>", operation: "PUT k")
            == .s3(code: "BadDigest", message: "The Content-MD5 you specified did not match what we received. (PUT k, HTTP 400)"))
    }

    @Test func anErrorsMessageIsBounded() {
        let key = String(repeating: "k", count: 1_000)
        let error = S3Client.error(status: 500, body: "", operation: "PUT \(key)")
        #expect(error.message.count == "S3 InternalError: ".count + S3Client.maxMessageLength)
        #expect(error.message.hasSuffix("k…"))
    }
}
