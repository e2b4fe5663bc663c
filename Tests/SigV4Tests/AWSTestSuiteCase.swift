import Foundation
import SigV4

/// One case of the AWS Signature Version 4 test suite (Fixtures/aws-sig-v4-test-suite), turned
/// into a `SigV4Request` plus the expected outputs.
///
/// The suite describes requests as raw HTTP text (`.req`) and gives the expected canonical request
/// (`.creq`), string to sign (`.sts`) and `Authorization` value (`.authz`); parsing lives here so
/// the test itself reads like the spec's steps.
struct AWSTestSuiteCase: Sendable {
    /// The case folder relative to the suite root, e.g. `normalize-path/get-space`.
    let name: String
    let request: SigV4Request
    let expectedCanonicalRequest: String
    let expectedStringToSign: String
    let expectedAuthorization: String

    /// The `SignedHeaders=` value of the expected `Authorization` header.
    var expectedSignedHeaders: String? {
        guard let start = expectedAuthorization.range(of: "SignedHeaders=") else { return nil }
        let rest = expectedAuthorization[start.upperBound...]
        return String(rest.prefix { $0 != "," })
    }

    /// Cases whose fixture files contradict each other, with the reason. This is a defect of the
    /// suite as published (the copy in Fixtures is unmodified), not something a spec-correct
    /// signer could match, so the signer is not bent to fit: for these, the tests check the
    /// canonical request against `.creq` and the signature step against `.sts`/`.authz`
    /// separately, instead of chaining `.creq` -> `.sts` -> `.authz`.
    static let inconsistentCases: [String: String] = [
        "post-x-www-form-urlencoded": """
            .req and .creq include Content-Length:13, but .sts hashes a canonical request without it \
            (the request shown in .sreq) and .authz signs that .sts with \
            SignedHeaders=content-type;host;x-amz-date.
            """,
        "post-x-www-form-urlencoded-parameters": """
            .req and .creq include Content-Length:13 and "charset=utf-8", but .sts hashes a canonical \
            request without Content-Length and with "charset=utf8"; .authz signs that .sts yet lists \
            SignedHeaders=content-length;content-type;host;x-amz-date, so .authz contradicts even .sts.
            """,
    ]

    /// The suite's fixed inputs, from its documentation.
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let region = "us-east-1"
    static let service = "service"
    /// 20150830T123600Z.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)

    /// The folder holding one folder per case (the suite's own root holds LICENSE and NOTICE).
    static var suiteRoot: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
            .appendingPathComponent("aws-sig-v4-test-suite")
            .appendingPathComponent("aws-sig-v4-test-suite")
    }

    /// Every folder containing a `<folder name>.req`, sorted; empty if the fixtures are missing,
    /// which the case-count test reports.
    static var allNames: [String] {
        guard let root = suiteRoot,
              let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        else { return [] }
        let rootPath = root.standardizedFileURL.path
        var names: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "req" {
            let folder = url.deletingLastPathComponent().standardizedFileURL
            guard url.deletingPathExtension().lastPathComponent == folder.lastPathComponent else { continue }
            names.append(String(folder.path.dropFirst(rootPath.count + 1)))
        }
        return names.sorted()
    }

    static func load(_ name: String) throws -> AWSTestSuiteCase {
        guard let root = suiteRoot else { throw FixtureError.missing("aws-sig-v4-test-suite") }
        let folder = root.appendingPathComponent(name)
        let base = folder.lastPathComponent
        func read(_ ext: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent("\(base).\(ext)"), encoding: .utf8)
        }
        return AWSTestSuiteCase(
            name: name,
            request: try parseRequest(read("req")),
            expectedCanonicalRequest: try read("creq"),
            expectedStringToSign: try read("sts"),
            expectedAuthorization: try read("authz")
        )
    }

    /// Parses a `.req` file: request line, headers (with continuation lines), blank line, body.
    static func parseRequest(_ text: String) throws -> SigV4Request {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let head: Substring
        let body: Substring
        if let separator = normalized.range(of: "\n\n") {
            head = normalized[..<separator.lowerBound]
            body = normalized[separator.upperBound...]
        } else {
            head = normalized[...]
            body = ""
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let requestLine = lines.popFirst() else { throw FixtureError.malformed("empty request") }

        // "METHOD <target> HTTP/1.1": the target may itself contain spaces (normalize-path/get-space),
        // so take the method up to the first space and the version after the last one.
        guard let firstSpace = requestLine.firstIndex(of: " "),
              let lastSpace = requestLine.lastIndex(of: " "),
              firstSpace < lastSpace
        else { throw FixtureError.malformed("request line \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]

        // The suite's canonical URI is UriEncode of its normalized .req path (get-utf8: "/ሴ" gives
        // "/%E1%88%B4", get-space gives "%20"), i.e. the .req path plays the role of the wire path
        // and the signer applies the "second" encoding; so the path is passed on as written.
        let path: Substring
        let query: Substring?
        if let questionMark = target.firstIndex(of: "?") {
            path = target[..<questionMark]
            query = target[target.index(after: questionMark)...]
        } else {
            path = target
            query = nil
        }

        // Query items are raw in SigV4Request, so undo any percent-encoding of the request line;
        // a parameter without "=" has an empty value.
        var queryItems: [(name: String, value: String)] = []
        if let query, !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                let value = parts.count > 1 ? String(parts[1]) : ""
                queryItems.append((
                    name: name.removingPercentEncoding ?? name,
                    value: value.removingPercentEncoding ?? value
                ))
            }
        }

        // Headers as given: repeated names stay separate entries (get-header-key-duplicate) and
        // values are left untrimmed, since trimming and joining are the signer's job. A line
        // starting with whitespace continues the previous header (get-header-value-multiline);
        // the suite's expected canonical request ("value1,value2,value3") treats each such line
        // as one more value of that header, so that is what it becomes.
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t" {
                guard let previous = headers.last else { throw FixtureError.malformed("continuation first") }
                headers.append((name: previous.name, value: String(line)))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw FixtureError.malformed("header \(line)") }
            headers.append((
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...])
            ))
        }

        return SigV4Request(
            method: method,
            path: String(path),
            queryItems: queryItems,
            headers: headers,
            payloadSHA256Hex: SigV4Signer.hexSHA256(Array(body.utf8)),
            includesContentSHA256Header: false,
            pathEncoding: .normalizedDoubleEncoded
        )
    }
}
