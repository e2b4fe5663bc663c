@testable import ParquetWriter
import Synchronization
import Testing

/// The streaming writer's contract: file framing, segments, row-group budgets, dictionary
/// policy, and the errors a caller's mapping mistakes produce.
struct ParquetFileWriterTests {
    let options = ParquetWriterOptions(createdBy: "flexprice-exporter version 1.2.3 (build abc)")

    func footer(of bytes: [UInt8]) -> (length: Int, start: Int) {
        let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].enumerated()
            .reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return (length, bytes.count - 8 - length)
    }

    @Test func anEmptyFileIsMagicFooterLengthMagic() throws {
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "a", type: .int64)], options: options)
        #expect(writer.takeSegment() == nil)
        let bytes = try writer.finish().bytes
        let expectedFooter = ThriftCompactWriter.serialize(FileMetaData(
            schema: [
                SchemaElement(name: "schema", numChildren: 1),
                SchemaElement(type: .int64, repetitionType: .optional, name: "a"),
            ],
            numRows: 0, rowGroups: [], createdBy: options.createdBy, columnOrders: [.typeDefinedOrder]))
        #expect(bytes == ParquetFileWriter.magic + expectedFooter
            + PlainEncoder.encode(int32: Int32(expectedFooter.count)) + ParquetFileWriter.magic)
        #expect(writer.closedBytes == Int64(bytes.count))
    }

    @Test func segmentsConcatenateIntoTheFile() throws {
        var small = options
        small.maxRowsPerRowGroup = 10
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "s", type: .string)], options: small)
        var segments: [ParquetSegment] = []
        for i in 0..<35 {
            try writer.append("v\(i % 3)")
            try writer.endRow()
            while let segment = writer.takeSegment() { segments.append(segment) }
        }
        #expect(segments.count == 3)
        #expect(Array(segments[0].bytes.prefix(4)) == ParquetFileWriter.magic)
        let last = try writer.finish()
        let file = segments.flatMap(\.bytes) + last.bytes
        #expect(Int64(file.count) == writer.closedBytes)
        let metadata = writer.fileMetaData
        #expect(metadata.rowGroups.map(\.numRows) == [10, 10, 10, 5])
        #expect(metadata.numRows == 35)
        // Row groups are contiguous from byte 4 and end where the footer starts.
        var offset: Int64 = 4
        for group in metadata.rowGroups {
            #expect(group.fileOffset == offset)
            #expect(group.columns[0].metaData.dictionaryPageOffset == offset)
            offset += group.totalCompressedSize ?? 0
        }
        #expect(offset == Int64(footer(of: file).start))
    }

    @Test func theByteBudgetClosesRowGroups() throws {
        var budget = options
        budget.rowGroupBytes = 64 << 10
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "n", type: .int64)], options: budget)
        var closed = 0
        for i in 0..<20_000 {
            try writer.append(Int64(i))
            try writer.endRow()
            if let segment = writer.takeSegment() {
                closed += 1
                // Never much over budget: at most one row past it, plus page headers.
                #expect(segment.byteCount <= (64 << 10) + 4 + 256)
            }
        }
        #expect(closed >= 2)
        _ = try writer.finish()
        #expect(writer.fileMetaData.rowGroups.reduce(0) { $0 + $1.numRows } == 20_000)
    }

    /// Pages compressed in batches while a row group fills (and so held compressed) give the
    /// very bytes of pages compressed only at its close: batches change what is held, not the
    /// pages. (One row group here: a group's budget counts what it holds, so with smaller held
    /// pages it would take more rows.)
    @Test func compressionBatchesLeaveThePagesUnchanged() throws {
        func write(batchBytes: Int) throws -> (file: [UInt8], callsBeforeFinish: Int) {
            var tuned = options
            tuned.pageSizeBytes = 4 << 10
            tuned.compressionBatchBytes = batchBytes
            let codec = CountingPageCodec()
            var writer = try ParquetFileWriter(
                columns: [ParquetColumn(name: "n", type: .int64), ParquetColumn(name: "s", type: .string),
                          ParquetColumn(name: "id", type: .string)],
                codec: codec, options: tuned)
            for i in 0..<30_000 {
                try writer.append(Int64(i * 7))
                try writer.append("group-\(i % 13)")
                if i % 5 == 0 { try writer.appendNull() } else { try writer.append("id-\(i)-\(i * 31)") }
                try writer.endRow()
                #expect(writer.takeSegment() == nil)
            }
            let calls = codec.calls
            return (try writer.finish().bytes, calls)
        }
        let atClose = try write(batchBytes: Int.max)
        let batched = try write(batchBytes: 8 << 10)
        #expect(atClose.callsBeforeFinish == 0)
        #expect(batched.callsBeforeFinish > 10, "pages were compressed while the row group filled")
        #expect(batched.file == atClose.file)
    }

    @Test func aFullDictionaryFallsBackToPlainForTheWholeChunkAndFile() throws {
        var tight = options
        tight.dictionaryByteLimit = 1_000
        tight.maxRowsPerRowGroup = 100
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "s", type: .string)], options: tight)
        for i in 0..<300 {
            try writer.append("distinct value number \(i)")
            try writer.endRow()
        }
        _ = try writer.finish()
        #expect(writer.fileMetaData.rowGroups.count == 3, "300 rows at 100 per row group")
        for group in writer.fileMetaData.rowGroups {
            let chunk = group.columns[0].metaData
            #expect(chunk.dictionaryPageOffset == nil)
            #expect(chunk.encodings == [.plain, .rle])
            #expect(chunk.encodingStats?.allSatisfy { $0.encoding == .plain } == true)
            #expect(chunk.numValues == 100)
        }
    }

    /// A first chunk whose dictionary saves nothing (every value distinct: an id) makes the
    /// column PLAIN for the file, so later row groups are not cut each time such a dictionary
    /// fills; a repetitive column beside it keeps its dictionary.
    @Test func aDictionaryThatSavesNothingIsDroppedForTheFile() throws {
        var writer = try ParquetFileWriter(
            columns: [ParquetColumn(name: "id", type: .string), ParquetColumn(name: "kind", type: .string)],
            options: options)
        for i in 0..<3_000 {
            try writer.append("id_\(100_000 + i)")
            try writer.append(i % 3 == 0 ? "usage" : "api")
            try writer.endRow()
            if i == 999 || i == 1_999 { try writer.closeRowGroup() }
        }
        _ = try writer.finish()
        let groups = writer.fileMetaData.rowGroups
        #expect(groups.map(\.numRows) == [1_000, 1_000, 1_000])
        for group in groups {
            #expect(group.columns[0].metaData.dictionaryPageOffset == nil)
            #expect(group.columns[0].metaData.encodings == [.plain, .rle])
            #expect(group.columns[1].metaData.dictionaryPageOffset != nil)
            #expect(group.columns[1].metaData.encodings == [.plain, .rle, .rleDictionary])
        }
    }

    @Test func aCommittedDictionaryClosesTheRowGroupWhenFull() throws {
        var tight = options
        tight.dictionaryByteLimit = 1_000
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "s", type: .string)], options: tight)
        for i in 0..<50 {
            try writer.append("repeated")
            try writer.endRow()
            if i == 9 { try writer.closeRowGroup() }
        }
        for i in 0..<200 {
            try writer.append("now distinct \(i)")
            try writer.endRow()
        }
        _ = try writer.finish()
        let groups = writer.fileMetaData.rowGroups
        #expect(groups.count > 2)
        #expect(groups.reduce(0) { $0 + $1.numRows } == 250)
        for group in groups {
            #expect(group.columns[0].metaData.dictionaryPageOffset != nil)
            #expect(group.columns[0].metaData.encodings == [.plain, .rle, .rleDictionary])
        }
    }

    @Test func aStringChunkOfNullsOnlyHasNoDictionaryAndBoundedPages() throws {
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "s", type: .string)], options: options)
        for _ in 0..<50_000 {
            try writer.appendNull()
            try writer.endRow()
        }
        _ = try writer.finish()
        let chunk = try #require(writer.fileMetaData.rowGroups.first?.columns.first?.metaData)
        #expect(chunk.dictionaryPageOffset == nil)
        #expect(chunk.encodingStats == [PageEncodingStats(pageType: .dataPage, encoding: .plain, count: 3)])
        #expect(chunk.numValues == 50_000)
        #expect(chunk.statistics == Statistics(nullCount: 50_000))
    }

    @Test func statisticsOfAChunk() throws {
        let columns = [
            ParquetColumn(name: "n", type: .int64),
            ParquetColumn(name: "b", type: .boolean),
            ParquetColumn(name: "d", type: .decimal(precision: 20, scale: 2)),
            ParquetColumn(name: "j", type: .json),
            ParquetColumn(name: "s", type: .string),
        ]
        var writer = try ParquetFileWriter(columns: columns, options: options)
        let long = String(repeating: "m", count: 70)
        let rows: [(Int64?, Bool?, Int128?, String?, String?)] = [
            (5, true, -250, "{\"a\": 1}", long),
            (nil, nil, nil, nil, nil),
            (-3, true, 1_000, "[]", "b"),
        ]
        for row in rows {
            if let value = row.0 { try writer.append(value) } else { try writer.appendNull() }
            if let value = row.1 { try writer.append(value) } else { try writer.appendNull() }
            if let value = row.2 { try writer.append(decimalUnscaled: value) } else { try writer.appendNull() }
            if let value = row.3 { try writer.append(value) } else { try writer.appendNull() }
            if let value = row.4 { try writer.append(value) } else { try writer.appendNull() }
            try writer.endRow()
        }
        _ = try writer.finish()
        let stats = writer.fileMetaData.rowGroups[0].columns.map { $0.metaData.statistics }
        #expect(stats[0] == Statistics(
            max: PlainEncoder.encode(int64: 5), min: PlainEncoder.encode(int64: -3), nullCount: 1,
            maxValue: PlainEncoder.encode(int64: 5), minValue: PlainEncoder.encode(int64: -3),
            isMaxValueExact: true, isMinValueExact: true))
        #expect(stats[1]?.minValue == [1] && stats[1]?.maxValue == [1])
        #expect(stats[2]?.minValue == ParquetDecimal.bigEndianBytes(-250))
        #expect(stats[2]?.maxValue == ParquetDecimal.bigEndianBytes(1_000))
        #expect(stats[2]?.min == nil, "no legacy signed min for FIXED_LEN_BYTE_ARRAY")
        #expect(stats[3]?.minValue == Array("[]".utf8) && stats[3]?.maxValue == Array("{\"a\": 1}".utf8))
        #expect(stats[4]?.minValue == Array("b".utf8) && stats[4]?.isMinValueExact == true)
        #expect(stats[4]?.maxValue == Array((String(repeating: "m", count: 63) + "n").utf8))
        #expect(stats[4]?.isMaxValueExact == false)
        #expect(stats.allSatisfy { $0?.nullCount == 1 })
    }

    @Test func callerMistakesAreTypedErrors() throws {
        let columns = [
            ParquetColumn(name: "n", type: .int64),
            ParquetColumn(name: "amount", type: .decimal(precision: 5, scale: 2)),
        ]
        var writer = try ParquetFileWriter(columns: columns, options: options)
        #expect(throws: ParquetWriterError.typeMismatch(column: "n", expected: "Int64", got: "a Bool")) {
            try writer.append(true)
        }
        try writer.append(Int64(1))
        #expect(throws: ParquetWriterError.decimalNotRepresentable(
            column: "amount", precision: 5, scale: 2, reason: .outOfRange)) {
            try writer.append(decimalUnscaled: 100_000)
        }
        #expect(throws: ParquetWriterError.rowShape(expected: 2, got: 1)) { try writer.endRow() }
        var nan = "NaN"
        #expect(throws: ParquetWriterError.decimalNotRepresentable(
            column: "amount", precision: 5, scale: 2, reason: .notADecimal)) {
            try nan.withUTF8 { try writer.append(decimalText: UnsafeRawBufferPointer($0)) }
        }
        try writer.append(decimalUnscaled: -99_999)
        #expect(throws: ParquetWriterError.rowShape(expected: 2, got: 3)) { try writer.appendNull() }
        try writer.endRow()
        _ = try writer.finish()
        #expect(throws: ParquetWriterError.finished) { try writer.appendNull() }
        #expect(throws: ParquetWriterError.invalidSchema("column x is DECIMAL(39,2); precision must be 1...38 and scale 0...precision")) {
            _ = try ParquetFileWriter(columns: [ParquetColumn(name: "x", type: .decimal(precision: 39, scale: 2))], options: options)
        }
        #expect(throws: ParquetWriterError.invalidSchema("column x appears twice")) {
            _ = try ParquetFileWriter(columns: [ParquetColumn(name: "x", type: .int64), ParquetColumn(name: "x", type: .string)], options: options)
        }
    }

    @Test func createdByFollowsTheSpecForm() {
        #expect(ParquetWriterOptions.createdBy(application: "flexprice-exporter", version: "1.2.3", build: "abc")
            == "flexprice-exporter version 1.2.3 (build abc)")
    }
}

/// A GZIP-labelled codec that stores pages as they are and counts its calls (from any thread).
final class CountingPageCodec: PageCodec {
    private let count = Mutex(0)
    var calls: Int { count.withLock { $0 } }
    var codec: CompressionCodec { .gzip }
    func compress(_ page: [UInt8]) -> [UInt8] {
        count.withLock { $0 += 1 }
        return page
    }
}
