@testable import ExporterClickHouse
import NIOCore
import Testing

/// The exception block ClickHouse (25.11+) writes into a response begun with HTTP 200
/// (https://github.com/ClickHouse/ClickHouse/pull/88818): found wherever the chunks are cut,
/// never mistaken for data, and no byte of it handed to the row reader.
struct ExceptionTrailerTests {
    static let tag = "PU1FNUFH98"
    static let data = "row bytes __exception__ in a value, and more rows"
    static let message = "Code: 395. DB::Exception: Value passed to 'throwIf' function is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 26.9.2.1)"
    static var block: String { "\r\n__exception__\r\n\(tag)\r\n\(message)\n\(message.utf8.count) \(tag)\r\n__exception__\r\n" }

    static func scan(_ text: String, cuts: [Int], tag: String?) throws -> (data: String, trailer: [UInt8]?) {
        let bytes = Array(text.utf8)
        var scanner = ExceptionTrailer(tag: tag)
        var delivered: [UInt8] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            try scanner.scan(ByteBuffer(bytes: bytes[start..<cut])) { delivered += Array($0.readableBytesView) }
            start = cut
        }
        try scanner.finish { delivered += Array($0.readableBytesView) }
        return (String(decoding: delivered, as: UTF8.self), scanner.trailer)
    }

    @Test func theBlockIsFoundWhereverTheChunksAreCut() throws {
        let body = Self.data + Self.block
        for cut in 0...body.utf8.count {
            let (data, trailer) = try Self.scan(body, cuts: [cut], tag: Self.tag)
            #expect(data == Self.data, "cut at \(cut) \(Array(data.utf8.suffix(3)))")
            let block = try #require(trailer, "cut at \(cut)")
            #expect(ExceptionTrailer.message(in: block, tag: Self.tag) == Self.message)
        }
        let oneByOne = try Self.scan(body, cuts: Array(1..<body.utf8.count), tag: Self.tag)
        #expect(oneByOne.data == Self.data)
        #expect(oneByOne.trailer != nil)
    }

    @Test func dataHoldingTheMarkerWithoutTheTagIsData() throws {
        let body = Self.data + "\r\n__exception__\r\nOTHERTAG\r\nnot an exception"
        for cut in [0, 5, 30, body.utf8.count] {
            let (data, trailer) = try Self.scan(body, cuts: [cut], tag: Self.tag)
            #expect(data == body)
            #expect(trailer == nil)
        }
    }

    @Test func withoutATagTheBodyPassesThrough() throws {
        let body = Self.data + Self.block
        let (data, trailer) = try Self.scan(body, cuts: [10], tag: nil)
        #expect(data == body)
        #expect(trailer == nil)
    }

    @Test func theSummaryIsTheFirstLineWithoutTheVersion() {
        #expect(ClickHouseError.summary(Self.message + "\nStack trace:\n0. x")
            == "Code: 395. DB::Exception: Value passed to 'throwIf' function is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)")
        #expect(ClickHouseError.code(in: Self.message) == 395)
    }
}
