import SigV4
import Testing

@Suite("URIEncoding")
struct URIEncodingTests {
    @Test("unreserved characters are left as is")
    func unreserved() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        #expect(URIEncoding.encode(unreserved, encodeSlash: true) == unreserved)
        #expect(URIEncoding.encode("", encodeSlash: true) == "")
    }

    @Test("reserved and other ASCII characters become uppercase %XX", arguments: [
        (" ", "%20"), ("+", "%2B"), ("=", "%3D"), ("&", "%26"), ("$", "%24"), ("!", "%21"),
        ("*", "%2A"), ("'", "%27"), ("(", "%28"), (")", "%29"), (",", "%2C"), (";", "%3B"),
        (":", "%3A"), ("@", "%40"), ("?", "%3F"), ("#", "%23"), ("%", "%25"), ("\"", "%22"),
        ("<", "%3C"), (">", "%3E"), ("[", "%5B"), ("]", "%5D"), ("{", "%7B"), ("}", "%7D"),
        ("|", "%7C"), ("\\", "%5C"), ("^", "%5E"), ("`", "%60"), ("\n", "%0A"), ("\u{7F}", "%7F"),
    ])
    func reserved(input: String, expected: String) {
        #expect(URIEncoding.encode(input, encodeSlash: true) == expected)
        #expect(URIEncoding.encode(input, encodeSlash: false) == expected)
    }

    @Test("non-ASCII is encoded byte by byte as UTF-8")
    func utf8() {
        #expect(URIEncoding.encode("ሴ", encodeSlash: true) == "%E1%88%B4")
        #expect(URIEncoding.encode("é", encodeSlash: true) == "%C3%A9")
        #expect(URIEncoding.encode("😀", encodeSlash: true) == "%F0%9F%98%80")
    }

    @Test("slash is kept only when encoding a path")
    func slash() {
        #expect(URIEncoding.encode("a/b c/d.csv", encodeSlash: false) == "a/b%20c/d.csv")
        #expect(URIEncoding.encode("a/b c/d.csv", encodeSlash: true) == "a%2Fb%20c%2Fd.csv")
    }

    @Test("an S3 key with awkward characters becomes a wire path")
    func s3Key() {
        let key = "exports/tenant=acme/2024-01-01T00:00:00Z+part 1.csv.gz"
        #expect(
            "/" + URIEncoding.encode(key, encodeSlash: false)
                == "/exports/tenant%3Dacme/2024-01-01T00%3A00%3A00Z%2Bpart%201.csv.gz"
        )
    }
}
