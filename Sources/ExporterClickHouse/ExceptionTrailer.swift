import Foundation
import NIOCore

/// Finds the exception ClickHouse writes into a response it has already begun with HTTP 200.
///
/// Since 25.11 every response carries an `X-ClickHouse-Exception-Tag` header, a random token;
/// when a query fails after its first bytes were sent, the server ends the body with a block that
/// starts `__exception__`, then the tag, then the exception text and its length, and closes the
/// connection (https://github.com/ClickHouse/ClickHouse/pull/88818, issue 75175). The tag is what
/// makes the block unambiguous: a value in the data may contain `__exception__`, but not the
/// tag, which the server draws per response.
///
/// The scanner sits between the body and the ``RowBinaryReader``: it holds back the last few
/// bytes of each chunk (as many as a marker and its tag take) until the next chunk shows they are
/// not the start of the block, so no byte of the block is ever read as row data. Without a tag
/// (a server before 25.11) it passes the body through; the reader then fails a stream that does
/// not end on a row boundary.
struct ExceptionTrailer {
    static let marker = Array("__exception__".utf8)
    /// The most of the block kept, to report its text.
    static let maxTrailerBytes = 64 * 1024

    private let tag: [UInt8]?
    /// Bytes not yet handed on: they could be the start of the block.
    private var pending = ByteBuffer()
    /// The block, from its marker on, once found.
    private(set) var trailer: [UInt8]?
    /// How many bytes are held back: the line break before the marker, the marker, the line
    /// break after it and the tag (a block whose tag is not complete yet starts in them).
    private let hold: Int

    init(tag: String?) {
        let bytes = tag.map { Array($0.utf8) }.flatMap { $0.isEmpty ? nil : $0 }
        self.tag = bytes
        hold = 2 + Self.marker.count + 2 + (bytes?.count ?? 0)
    }

    var found: Bool { trailer != nil }

    /// Takes one chunk of the body; hands on, in order, the bytes that are data for sure.
    mutating func scan(_ chunk: ByteBuffer, deliver: (ByteBuffer) throws -> Void) throws {
        if trailer != nil {
            if trailer!.count < Self.maxTrailerBytes {
                trailer!.append(contentsOf: chunk.readableBytesView.prefix(Self.maxTrailerBytes - trailer!.count))
            }
            return
        }
        guard let tag else {
            try deliver(chunk)
            return
        }
        // A block starting in the held-back bytes: look at them joined with the chunk's first bytes.
        if pending.readableBytes > 0 {
            var joined = Array(pending.readableBytesView)
            let pendingCount = joined.count
            joined.append(contentsOf: chunk.readableBytesView.prefix(hold))
            if let start = Self.blockStart(in: joined, tag: tag), start < pendingCount {
                if start > 0 { try deliver(pending.getSlice(at: pending.readerIndex, length: start)!) }
                trailer = Array(joined[start...])
                trailer!.append(contentsOf: chunk.readableBytesView.dropFirst(joined.count - pendingCount))
                pending = ByteBuffer()
                return
            }
        }
        if let start = chunk.withUnsafeReadableBytes({ Self.blockStart(in: $0, tag: tag) }) {
            if pending.readableBytes > 0 { try deliver(pending) }
            pending = ByteBuffer()
            if start > 0 { try deliver(chunk.getSlice(at: chunk.readerIndex, length: start)!) }
            trailer = Array(chunk.readableBytesView.dropFirst(start).prefix(Self.maxTrailerBytes))
            return
        }
        // No block: everything but the last `hold` bytes seen is data.
        if chunk.readableBytes < hold {
            // A small chunk joins the held-back bytes (a copy of at most twice `hold` bytes).
            var merged = ByteBuffer()
            merged.writeImmutableBuffer(pending)
            merged.writeImmutableBuffer(chunk)
            let excess = merged.readableBytes - hold
            if excess > 0 {
                try deliver(merged.getSlice(at: merged.readerIndex, length: excess)!)
                merged.moveReaderIndex(forwardBy: excess)
            }
            pending = merged
            return
        }
        if pending.readableBytes > 0 { try deliver(pending) }
        let safe = max(0, chunk.readableBytes - hold)
        if safe > 0 { try deliver(chunk.getSlice(at: chunk.readerIndex, length: safe)!) }
        pending = chunk.getSlice(at: chunk.readerIndex + safe, length: chunk.readableBytes - safe)!
    }

    /// The body ended: hands on the held-back bytes when they were data.
    mutating func finish(deliver: (ByteBuffer) throws -> Void) throws {
        if trailer == nil, pending.readableBytes > 0 { try deliver(pending) }
        pending = ByteBuffer()
    }

    /// Where the exception block starts in `bytes` (the line break before its marker included):
    /// the first `__exception__` followed, after at most a line break, by the tag.
    static func blockStart(in bytes: some Collection<UInt8>, tag: [UInt8]) -> Int? {
        let array = Array(bytes)
        return array.withUnsafeBytes { blockStart(in: $0, tag: tag) }
    }

    static func blockStart(in raw: UnsafeRawBufferPointer, tag: [UInt8]) -> Int? {
        var from = 0
        while from < raw.count {
            guard let at = find(marker: raw, from: from) else { return nil }
            var next = at + marker.count
            while next < raw.count, next < at + marker.count + 2, raw[next] == 0x0D || raw[next] == 0x0A { next += 1 }
            if next + tag.count <= raw.count, tag.indices.allSatisfy({ raw[next + $0] == tag[$0] }) {
                var start = at
                if start > 0, raw[start - 1] == 0x0A { start -= 1 }
                if start > 0, raw[start - 1] == 0x0D { start -= 1 }
                return start
            }
            from = at + 1
        }
        return nil
    }

    /// Boyer-Moore-Horspool skips: how far the marker may move when a byte ends a mismatch.
    private static let skips: [Int] = {
        var table = [Int](repeating: marker.count, count: 256)
        for (index, byte) in marker.dropLast().enumerated() { table[Int(byte)] = marker.count - 1 - index }
        return table
    }()

    /// The first `__exception__` at or after `from` (Boyer-Moore-Horspool: about n/13 steps on data).
    private static func find(marker raw: UnsafeRawBufferPointer, from: Int) -> Int? {
        let m = marker.count
        var i = from
        while i + m <= raw.count {
            let last = raw[i + m - 1]
            if last == marker[m - 1] {
                var k = m - 2
                while k >= 0, raw[i + k] == marker[k] { k -= 1 }
                if k < 0 { return i }
            }
            i += skips[Int(last)]
        }
        return nil
    }

    /// The exception's text from the block: between the tag's line and the closing
    /// `<length> <tag>`; what is there when the block was cut short.
    static func message(in block: [UInt8], tag: String) -> String {
        var text = String(decoding: block, as: UTF8.self)
        if let open = text.range(of: "__exception__") { text = String(text[open.upperBound...]) }
        text = String(text.drop { $0.isWhitespace })
        if text.hasPrefix(tag) { text = String(text.dropFirst(tag.count)) }
        if let close = text.range(of: tag, options: .backwards) { text = String(text[..<close.lowerBound]) }
        text = String(text.trimmedOfWhitespace)
        // The closing line's length: the digits after the message's last line break.
        if let lastBreak = text.lastIndex(of: "\n"), text[text.index(after: lastBreak)...].allSatisfy(\.isNumber) {
            text = String(text[..<lastBreak])
        }
        return String(text.trimmedOfWhitespace)
    }
}

extension String {
    /// The text without leading and trailing whitespace (Foundation's trimming needs a CharacterSet).
    var trimmedOfWhitespace: Substring {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
