import Crypto
import Foundation
import Synchronization

/// What S3 verifies of an upload's checksums, done by the tests' proxy because moto 5.2
/// verifies neither `Content-MD5` nor `x-amz-checksum-*` (it stores what it is told). Written
/// from the AWS documentation, independently of the exporter's code:
///
/// - PutObject and UploadPart: a `Content-MD5` that is not base64 of 16 bytes is `InvalidDigest`;
///   one, or an `x-amz-checksum-sha256`, that does not match the body received is `BadDigest`
///   ("Checking object integrity", https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html;
///   error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
/// - A multipart upload created with `x-amz-checksum-algorithm: SHA256` needs each part's
///   `x-amz-checksum-sha256` (else `InvalidRequest`), and its CompleteMultipartUpload must list
///   each part's `ChecksumSHA256` as uploaded (missing: `InvalidRequest`; another: `InvalidPart`).
final class S3ChecksumCheck: Sendable {
    struct Refusal: Sendable, Equatable {
        let status: Int
        let code: String
        let message: String
    }

    private struct State {
        /// Upload ids of multipart uploads created with SHA-256, and their parts' checksums.
        var sha256Uploads: [String: [Int: String]] = [:]
        /// Bodies (PutObject, UploadPart) whose `x-amz-checksum-sha256` matched.
        var verifiedBodies = 0
        /// CompleteMultipartUpload requests whose part checksums all matched.
        var verifiedCompletions = 0
        var refusals: [Refusal] = []
    }

    private let state = Mutex(State())

    var verifiedBodies: Int { state.withLock { $0.verifiedBodies } }
    var verifiedCompletions: Int { state.withLock { $0.verifiedCompletions } }
    /// What was refused, in order.
    var refusals: [Refusal] { state.withLock { $0.refusals } }

    /// The refusal S3 would answer `request` with, before storing anything; nil to forward it.
    func check(operation: String, target: String, headers: [(String, String)], body: [UInt8]) -> Refusal? {
        let refusal = refusal(operation: operation, target: target, headers: headers, body: body)
        state.withLock { state in
            if let refusal { state.refusals.append(refusal) }
        }
        return refusal
    }

    private func refusal(operation: String, target: String, headers: [(String, String)], body: [UInt8]) -> Refusal? {
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        switch operation {
        case "PutObject", "UploadPart":
            if let md5 = header("content-md5") {
                guard let digest = Data(base64Encoded: md5), digest.count == 16 else {
                    return Refusal(status: 400, code: "InvalidDigest", message: "The Content-MD5 you specified is not valid.")
                }
                guard digest == Data(Insecure.MD5.hash(data: body)) else {
                    return Refusal(status: 400, code: "BadDigest", message: "The Content-MD5 you specified did not match what we received.")
                }
            }
            let checksum = header("x-amz-checksum-sha256")
            if let checksum {
                guard checksum == Data(SHA256.hash(data: body)).base64EncodedString() else {
                    return Refusal(status: 400, code: "BadDigest", message: "The SHA256 you specified did not match the calculated checksum.")
                }
            }
            if operation == "UploadPart", let uploadID = Self.query(target)["uploadId"],
               state.withLock({ $0.sha256Uploads[uploadID] != nil }), checksum == nil {
                return Refusal(status: 400, code: "InvalidRequest",
                               message: "The upload was created using a sha256 checksum. The part must carry x-amz-checksum-sha256.")
            }
            if checksum != nil { state.withLock { $0.verifiedBodies += 1 } }
            return nil
        case "CompleteMultipartUpload":
            guard let uploadID = Self.query(target)["uploadId"],
                  let uploaded = state.withLock({ $0.sha256Uploads[uploadID] }) else { return nil }
            let listed = Self.parts(in: String(decoding: body, as: UTF8.self))
            for (number, checksum) in listed {
                guard let checksum else {
                    return Refusal(status: 400, code: "InvalidRequest",
                                   message: "The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part \(number) in the request.")
                }
                guard uploaded[number] == checksum else {
                    return Refusal(status: 400, code: "InvalidPart", message: "One or more of the specified parts could not be found.")
                }
            }
            if !listed.isEmpty { state.withLock { $0.verifiedCompletions += 1 } }
            return nil
        default:
            return nil
        }
    }

    /// Learns what a forwarded request did upstream: the id of a multipart upload created with
    /// SHA-256, a part's checksum once stored.
    func record(operation: String, target: String, headers: [(String, String)], status: Int, responseBody: [UInt8]) {
        guard (200..<300).contains(status) else { return }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        switch operation {
        case "CreateMultipartUpload" where header("x-amz-checksum-algorithm")?.uppercased() == "SHA256":
            let xml = String(decoding: responseBody, as: UTF8.self)
            guard let id = Self.element("UploadId", in: xml) else { return }
            state.withLock { $0.sha256Uploads[id] = [:] }
        case "UploadPart":
            let query = Self.query(target)
            guard let id = query["uploadId"], let number = query["partNumber"].flatMap({ Int($0) }),
                  let checksum = header("x-amz-checksum-sha256") else { return }
            state.withLock { state in
                if state.sha256Uploads[id] != nil { state.sha256Uploads[id]?[number] = checksum }
            }
        default:
            break
        }
    }

    /// The decoded query items of a request target.
    static func query(_ target: String) -> [String: String] {
        var items: [String: String] = [:]
        for item in SigV4Verifier.split(target: target).query.split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let name = SigV4Verifier.percentDecode(pair[0]) else { continue }
            items[name] = SigV4Verifier.percentDecode(pair.count > 1 ? pair[1] : "")
        }
        return items
    }

    /// Each `<Part>` of a CompleteMultipartUpload body: its number and `ChecksumSHA256`, if any.
    static func parts(in xml: String) -> [(number: Int, checksum: String?)] {
        xml.components(separatedBy: "<Part>").dropFirst().compactMap { part in
            let body = part.components(separatedBy: "</Part>")[0]
            guard let number = element("PartNumber", in: body).flatMap({ Int($0) }) else { return nil }
            return (number, element("ChecksumSHA256", in: body))
        }
    }

    static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }
}
