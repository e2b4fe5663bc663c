import FuzzSupport
@testable import ExporterSink

/// libFuzzer entry point: any bytes as an S3 response body, read the ways the client reads one
/// (root element, error document, listing keys, upload ids, CompleteMultipartUpload's ETag).
/// Besides not crashing: an error document's code and message stay within their bounds and on
/// one line, and escaping then decoding any text gives it back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzS3XML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = S3XML.root(of: text)
    _ = S3XML.values(of: "Key", in: text)
    for upload in S3XML.values(of: "Upload", in: text) {
        _ = S3XML.value(of: "UploadId", in: upload)
    }
    _ = S3XML.value(of: "NextContinuationToken", in: text)
    if let error = S3ErrorResponse(body: text) {
        precondition((1...S3ErrorResponse.maxCodeLength).contains(error.code.utf8.count))
        if let message = error.message {
            precondition(message.count <= S3ErrorResponse.maxMessageLength)
            precondition(!message.contains("\n") && !message.contains("\r"))
        }
    }
    _ = S3Client.error(status: 500, body: text, operation: "PUT k")
    precondition(S3XML.decodeEntities(S3XML.escape(text)) == text)
    return 0
}

/// The program's entry (SwiftPM names it `FuzzS3XML_main`): libFuzzer's driver over `fuzzS3XML`.
@_cdecl("FuzzS3XML_main")
public func fuzzS3XMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv, target: fuzzS3XML)
}
