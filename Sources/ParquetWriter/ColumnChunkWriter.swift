/// Builds one column's chunk of the current row group: buffers the page being filled, cuts it
/// into an encoded (and compressed) data page when full, and tracks the chunk's statistics.
///
/// One value per row, NULL included (a definition level of 0). Definition levels and PLAIN
/// values are buffered as plain arrays and encoded when the page is cut, so an append is a few
/// stores.
///
/// BYTE_ARRAY columns start dictionary encoded: their levels and dictionary indices are kept for
/// the whole chunk and cut into RLE_DICTIONARY pages when it closes, behind the dictionary page.
/// When the dictionary would pass its byte limit, the chunk so far is re-encoded as PLAIN pages
/// (from the dictionary and the indices) and the column stays PLAIN for the rest of the file.
/// A column whose first chunk with values kept its dictionary stays dictionary encoded instead:
/// when its dictionary fills in a later row group, it asks the writer to close the row group
/// (``wantsRowGroupClose``). So within one file a string column is dictionary encoded in every
/// chunk or PLAIN in every chunk, never a mix: Arrow mixes them (within a chunk and across row
/// groups), and fastparquet with pandas 3 (arrow-backed strings) reads the PLAIN values of such
/// a column as NULL, for Arrow's own files too.
/// Spec: https://github.com/apache/parquet-format#data-pages and Encodings.md.
struct ColumnChunkWriter: Sendable {
    /// How values of the column are stored: the physical type with what its statistics need.
    enum Storage: Sendable, Equatable {
        case byteArray(isJSON: Bool)
        case int64
        case int32Decimal
        case int64Decimal
        case fixedDecimal
        case boolean
    }

    /// The options a chunk needs, copied out of ``ParquetWriterOptions`` so the per-value path
    /// does not retain the options' strings and arrays.
    struct Limits: Sendable {
        var pageSizeBytes: Int
        var maxValuesPerPage: Int
        var dictionaryByteLimit: Int
        var statisticsTruncateLength: Int

        init(_ options: ParquetWriterOptions) {
            pageSizeBytes = options.pageSizeBytes
            maxValuesPerPage = options.maxValuesPerPage
            dictionaryByteLimit = options.dictionaryByteLimit
            statisticsTruncateLength = options.statisticsTruncateLength
        }
    }

    let column: ParquetColumn
    let storage: Storage
    let physicalType: ParquetPhysicalType
    let limits: Limits

    // The page being filled.
    private var definitionLevels: [UInt8] = []
    private var plainValues: [UInt8] = []
    private var booleans = BooleanBitPacker()
    private var dictionaryIndices: [UInt32] = []

    /// The file-wide dictionary decision for a BYTE_ARRAY column (see the type's doc).
    enum DictionaryPolicy: Sendable {
        /// No chunk with values yet: try a dictionary, fall back to PLAIN when it fills.
        case trying
        /// A chunk kept its dictionary: every chunk does; a full dictionary closes the row group.
        case committed
        /// A chunk fell back: PLAIN for the rest of the file.
        case off
    }

    // The chunk so far.
    private var dictionary = ByteArrayDictionary()
    private var dictionaryPolicy: DictionaryPolicy
    /// Whether values still go to the dictionary: everything but `.off` (one state, not two).
    private var dictionaryEnabled: Bool { dictionaryPolicy != .off }
    /// What the chunk's dictionary-encoded values would take PLAIN (4-byte length + bytes each).
    private var plainBytesOfValues = 0
    /// A committed dictionary reached its limit: the writer closes the row group after this row.
    private(set) var wantsRowGroupClose = false
    /// Finished data pages, encoded but not yet compressed: the row group compresses all its
    /// pages at once, on several threads, when it closes (``ParquetFileWriter/closeRowGroup()``).
    private var dataPages: [PendingPage] = []
    /// What ``dataPages`` hold: compressed bodies where compressed, else uncompressed ones.
    private var dataPagesBytes = 0
    /// The part of ``dataPagesBytes`` still uncompressed.
    private(set) var uncompressedPageBytes = 0
    private var numValues: Int64 = 0
    private var nullCount: Int64 = 0
    private var dictionaryDataPageCount: Int32 = 0
    private var plainDataPageCount: Int32 = 0

    // Statistics of the chunk.
    private var hasValue = false
    private var minInteger: Int64 = 0
    private var maxInteger: Int64 = 0
    private var minWide: Int128 = 0
    private var maxWide: Int128 = 0
    private var sawFalse = false
    private var sawTrue = false
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []

    init(column: ParquetColumn, limits: Limits) {
        self.column = column
        self.limits = limits
        physicalType = column.type.physicalType
        switch column.type {
        case .string: storage = .byteArray(isJSON: false)
        case .json: storage = .byteArray(isJSON: true)
        case .int64, .timestampMicrosUTC: storage = .int64
        case .boolean: storage = .boolean
        case .decimal:
            switch physicalType {
            case .int32: storage = .int32Decimal
            case .int64: storage = .int64Decimal
            default: storage = .fixedDecimal
            }
        }
        if case .byteArray = storage {
            dictionaryPolicy = .trying
        } else {
            dictionaryPolicy = .off
        }
    }

    // MARK: Appending

    @inline(__always)
    mutating func appendNull() {
        definitionLevels.append(0)
        nullCount += 1
    }

    @inline(__always)
    mutating func append(int64 value: Int64) {
        definitionLevels.append(1)
        PlainEncoder.append(int64: value, to: &plainValues)
        noteInteger(value)
    }

    /// A decimal's unscaled value, already checked against the column's precision.
    @inline(__always)
    mutating func append(decimal value: Int128) {
        definitionLevels.append(1)
        switch storage {
        case .int32Decimal:
            let narrow = Int32(truncatingIfNeeded: value)
            PlainEncoder.append(int32: narrow, to: &plainValues)
            noteInteger(Int64(narrow))
        case .int64Decimal:
            let narrow = Int64(truncatingIfNeeded: value)
            PlainEncoder.append(int64: narrow, to: &plainValues)
            noteInteger(narrow)
        default:
            ParquetDecimal.appendBigEndian(value, to: &plainValues)
            Self.note(value, min: &minWide, max: &maxWide, hasValue: &hasValue)
        }
    }

    @inline(__always)
    mutating func append(bool value: Bool) {
        definitionLevels.append(1)
        booleans.append(value)
        if value { sawTrue = true } else { sawFalse = true }
        hasValue = true
    }

    /// A BYTE_ARRAY value: interned in the dictionary while it is enabled, else PLAIN.
    mutating func append(bytes value: UnsafeRawBufferPointer, output: inout PageOutput)
        throws(ParquetWriterError)
    {
        if dictionaryEnabled {
            let committed = dictionaryPolicy == .committed
            switch dictionary.intern(value, byteLimit: committed ? Int.max : limits.dictionaryByteLimit) {
            case .existing(let index):
                plainBytesOfValues += 4 + value.count
                definitionLevels.append(1)
                dictionaryIndices.append(index)
                return
            case .inserted(let index):
                plainBytesOfValues += 4 + value.count
                definitionLevels.append(1)
                dictionaryIndices.append(index)
                noteBytes(value)
                if committed && dictionary.plainBytes.count >= limits.dictionaryByteLimit {
                    wantsRowGroupClose = true
                }
                return
            case .full:
                try fallBackToPlain(output: &output)
            }
        }
        definitionLevels.append(1)
        PlainEncoder.append(byteArray: value, to: &plainValues)
        noteBytes(value)
    }

    @inline(__always)
    private mutating func noteInteger(_ value: Int64) {
        Self.note(value, min: &minInteger, max: &maxInteger, hasValue: &hasValue)
    }

    /// Widens the chunk's bounds to `value` (the first value sets both).
    @inline(__always)
    private static func note<T: Comparable>(_ value: T, min: inout T, max: inout T, hasValue: inout Bool) {
        if !hasValue {
            min = value
            max = value
            hasValue = true
        } else if value < min {
            min = value
        } else if value > max {
            max = value
        }
    }

    private mutating func noteBytes(_ value: UnsafeRawBufferPointer) {
        if !hasValue {
            minBytes.append(contentsOf: value)
            maxBytes.append(contentsOf: value)
            hasValue = true
            return
        }
        if minBytes.withUnsafeBytes({ ByteComparison.precedes(value, $0) }) {
            minBytes.removeAll(keepingCapacity: true)
            minBytes.append(contentsOf: value)
        } else if maxBytes.withUnsafeBytes({ ByteComparison.precedes($0, value) }) {
            maxBytes.removeAll(keepingCapacity: true)
            maxBytes.append(contentsOf: value)
        }
    }

    // MARK: Sizes

    /// The PLAIN page being filled, as it will be encoded (about: levels at one bit each).
    var pageBytesEstimate: Int {
        plainValues.count + booleans.bytes.count + definitionLevels.count / 8 + 8
    }

    /// What this chunk holds in memory: finished pages, the page being filled, and in dictionary
    /// mode the dictionary with the chunk's levels and indices (as buffered, not as encoded, so
    /// the row-group budget bounds memory).
    var bufferedBytes: Int {
        if dictionaryEnabled {
            return dataPagesBytes + dictionary.plainBytes.count
                + definitionLevels.count + dictionaryIndices.count * MemoryLayout<UInt32>.stride
        }
        return dataPagesBytes + pageBytesEstimate
    }

    /// Whether the PLAIN page being filled reached the page size or value count, so the writer
    /// cuts it (dictionary pages are cut when the chunk closes, once the dictionary is final).
    @inline(__always)
    var pageIsFull: Bool {
        !dictionaryEnabled
            && (definitionLevels.count >= limits.maxValuesPerPage || pageBytesEstimate >= limits.pageSizeBytes)
    }

    /// The dictionary is full: re-encodes the chunk so far as PLAIN pages (each index replaced by
    /// its entry) and turns dictionary encoding off for the rest of the chunk.
    private mutating func fallBackToPlain(output: inout PageOutput)
        throws(ParquetWriterError)
    {
        let levels = definitionLevels
        let indices = dictionaryIndices
        let entries = dictionary
        definitionLevels.removeAll(keepingCapacity: false)
        dictionaryIndices.removeAll(keepingCapacity: false)
        dictionaryPolicy = .off
        var nextIndex = 0
        for level in levels {
            if level == 0 {
                definitionLevels.append(0)
            } else {
                definitionLevels.append(1)
                entries.withEntry(Int(indices[nextIndex])) { PlainEncoder.append(byteArray: $0, to: &plainValues) }
                nextIndex += 1
            }
            if definitionLevels.count >= limits.maxValuesPerPage || pageBytesEstimate >= limits.pageSizeBytes {
                try cutPage(output: &output)
            }
        }
        dictionary = ByteArrayDictionary()
    }

    // MARK: Pages

    /// Encodes the PLAIN page being filled as a data page v1: `[u32 length][RLE definition
    /// levels]` then the values (PLAIN, or bit-packed booleans).
    mutating func cutPage(output: inout PageOutput) throws(ParquetWriterError) {
        guard !definitionLevels.isEmpty else { return }
        let levels = definitionLevels
        let values = storage == .boolean ? booleans.bytes : plainValues
        try levels.withUnsafeBufferPointer { levels throws(ParquetWriterError) in
            try writeDataPage(levels: levels, encoding: .plain, output: &output) { $0.append(contentsOf: values) }
        }
        definitionLevels.removeAll(keepingCapacity: true)
        plainValues.removeAll(keepingCapacity: true)
        booleans.removeAll()
    }

    /// Cuts the chunk's buffered levels and indices into RLE_DICTIONARY data pages: each page
    /// `[u32 length][RLE definition levels][bit width][RLE indices]`, the bit width that of the
    /// final dictionary.
    private mutating func writeDictionaryPages(output: inout PageOutput)
        throws(ParquetWriterError)
    {
        let bitWidth = max(1, RLEHybridEncoder.bitWidth(forMaxValue: UInt32(dictionary.count - 1)))
        let valuesPerPage = max(1, min(limits.maxValuesPerPage, limits.pageSizeBytes * 8 / (bitWidth + 1)))
        let levels = definitionLevels
        let indices = dictionaryIndices
        try levels.withUnsafeBufferPointer { allLevels throws(ParquetWriterError) in
            try indices.withUnsafeBufferPointer { allIndices throws(ParquetWriterError) in
                var levelStart = 0
                var indexStart = 0
                while levelStart < allLevels.count {
                    let levelEnd = min(levelStart + valuesPerPage, allLevels.count)
                    let pageLevels = UnsafeBufferPointer(rebasing: allLevels[levelStart..<levelEnd])
                    var present = 0
                    for level in pageLevels where level != 0 { present += 1 }
                    let pageIndices = UnsafeBufferPointer(rebasing: allIndices[indexStart..<(indexStart + present)])
                    try writeDataPage(levels: pageLevels, encoding: .rleDictionary, output: &output) { body in
                        body.append(UInt8(bitWidth))
                        RLEHybridEncoder.encode(pageIndices, bitWidth: bitWidth, into: &body)
                    }
                    levelStart = levelEnd
                    indexStart += present
                }
            }
        }
        definitionLevels.removeAll(keepingCapacity: true)
        dictionaryIndices.removeAll(keepingCapacity: true)
    }

    /// Assembles one data page v1 in the scratch body (levels with their 4-byte length, then what
    /// `values` appends), compresses it and appends header and page to the chunk.
    private mutating func writeDataPage(
        levels: UnsafeBufferPointer<UInt8>, encoding: ParquetEncoding, output: inout PageOutput,
        values: (inout [UInt8]) -> Void
    ) throws(ParquetWriterError) {
        var body = output.scratch
        output.scratch = []
        body.removeAll(keepingCapacity: true)
        body.append(contentsOf: [0, 0, 0, 0])
        RLEHybridEncoder.encode(levels, bitWidth: 1, into: &body)
        let levelBytes = UInt32(truncatingIfNeeded: body.count - 4)
        body[0] = UInt8(truncatingIfNeeded: levelBytes)
        body[1] = UInt8(truncatingIfNeeded: levelBytes >> 8)
        body[2] = UInt8(truncatingIfNeeded: levelBytes >> 16)
        body[3] = UInt8(truncatingIfNeeded: levelBytes >> 24)
        values(&body)
        let header = PageHeader(
            type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0,
            dataPageHeader: DataPageHeader(numValues: Int32(levels.count), encoding: encoding))
        guard body.count <= Int(Int32.max) else { throw .valueTooLarge(column: column.name, bytes: body.count) }
        // An exactly sized copy: the scratch body is reused for the next page.
        dataPages.append(PendingPage(header: header, body: Array(body)))
        dataPagesBytes += body.count
        uncompressedPageBytes += body.count
        numValues += Int64(levels.count)
        if encoding == .rleDictionary { dictionaryDataPageCount += 1 } else { plainDataPageCount += 1 }
        output.scratch = body
    }

    /// Whether the dictionary and its bit-packed indices are smaller than the same values PLAIN
    /// (parquet-mr's `isCompressionSatisfying`: dictionary + encoded indices < raw values).
    private var dictionaryPays: Bool {
        let bitWidth = RLEHybridEncoder.bitWidth(forMaxValue: UInt32(max(dictionary.count - 1, 0)))
        let encodedIndices = (dictionaryIndices.count * bitWidth + 7) / 8
        return dictionary.plainBytes.count + encodedIndices < plainBytesOfValues
    }

    /// The bodies of the finished pages not compressed yet, in order, for a batch compression.
    mutating func takeUncompressedBodies() -> [[UInt8]] {
        var bodies: [[UInt8]] = []
        for index in dataPages.indices where dataPages[index].compressed == nil {
            bodies.append(dataPages[index].body)
            dataPages[index].body = []
        }
        return bodies
    }

    /// Stores the compressed forms of the bodies ``takeUncompressedBodies()`` took, found in
    /// `compressed` from `start` on; returns where the next chunk's start.
    mutating func store(compressed: [[UInt8]], from start: Int) -> Int {
        var next = start
        for index in dataPages.indices where dataPages[index].compressed == nil {
            dataPages[index].compressed = compressed[next]
            dataPagesBytes += compressed[next].count - dataPages[index].uncompressedSize
            next += 1
        }
        uncompressedPageBytes = 0
        return next
    }

    // MARK: Closing

    /// Ends the chunk: cuts the last page and returns its pages, dictionary page first, still
    /// uncompressed, with the metadata that does not depend on their compressed sizes. The
    /// writer is then empty, ready for the next row group; ``SealedChunk/layout(compressed:at:)``
    /// places the compressed pages in the file.
    mutating func seal(output: inout PageOutput) throws(ParquetWriterError) -> SealedChunk {
        if dictionaryPolicy == .trying && !dictionaryIndices.isEmpty && !dictionaryPays {
            // The file's first chunk with values decides, and a dictionary that saves nothing
            // (ids, hashes: nearly every value distinct) would bind every later row group to
            // close when it fills: PLAIN for the file instead, as parquet-mr decides it.
            try fallBackToPlain(output: &output)
        }
        if dictionaryEnabled && !dictionaryIndices.isEmpty {
            try writeDictionaryPages(output: &output)
        } else if dictionaryEnabled {
            // A dictionary-mode chunk of NULLs only: PLAIN pages of levels alone, no dictionary.
            let levels = definitionLevels
            try levels.withUnsafeBufferPointer { all throws(ParquetWriterError) in
                for start in stride(from: 0, to: all.count, by: limits.maxValuesPerPage) {
                    let page = UnsafeBufferPointer(rebasing: all[start..<min(start + limits.maxValuesPerPage, all.count)])
                    try writeDataPage(levels: page, encoding: .plain, output: &output) { _ in }
                }
            }
            definitionLevels.removeAll(keepingCapacity: true)
        } else {
            try cutPage(output: &output)
        }
        var pages: [PendingPage] = []
        var encodings: Set<ParquetEncoding> = [.rle]
        var encodingStats: [PageEncodingStats] = []
        let hasDictionary = dictionaryDataPageCount > 0
        if hasDictionary {
            guard dictionary.plainBytes.count <= Int(Int32.max) else {
                throw .valueTooLarge(column: column.name, bytes: dictionary.plainBytes.count)
            }
            let header = PageHeader(
                type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0,
                dictionaryPageHeader: DictionaryPageHeader(numValues: Int32(dictionary.count), encoding: .plain))
            pages.append(PendingPage(header: header, body: dictionary.plainBytes))
            encodings.insert(.plain)
            encodings.insert(.rleDictionary)
            encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
            encodingStats.append(
                PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: dictionaryDataPageCount))
        }
        if plainDataPageCount > 0 {
            encodings.insert(.plain)
            encodingStats.append(PageEncodingStats(pageType: .dataPage, encoding: .plain, count: plainDataPageCount))
        }
        pages.append(contentsOf: dataPages)
        let sealed = SealedChunk(
            columnName: column.name, pages: pages, hasDictionary: hasDictionary,
            metaData: ColumnMetaData(
                type: physicalType,
                encodings: encodings.sorted(),
                pathInSchema: [column.name],
                codec: output.codec.codec,
                numValues: numValues,
                totalUncompressedSize: 0,
                totalCompressedSize: 0,
                dataPageOffset: 0,
                dictionaryPageOffset: nil,
                statistics: statistics(),
                encodingStats: encodingStats))
        reset()
        return sealed
    }

    /// Folds the chunk's NULL count and untruncated bounds into the file's statistics; called
    /// once per row group, before ``seal(output:)`` resets them.
    func mergeStatistics(into file: inout FileColumnStatistics) {
        file.addNulls(nullCount)
        guard hasValue else { return }
        switch storage {
        case .int64, .int32Decimal, .int64Decimal: file.merge(minInteger: minInteger, maxInteger: maxInteger)
        case .fixedDecimal: file.merge(minWide: minWide, maxWide: maxWide)
        case .boolean: file.merge(sawFalse: sawFalse, sawTrue: sawTrue)
        case .byteArray: file.merge(minBytes: minBytes, maxBytes: maxBytes)
        }
    }

    /// The chunk's statistics: NULL count always, bounds when it has a value. Integers, decimals
    /// and timestamps compare signed; strings and JSON as unsigned bytes, strings truncated to
    /// `statisticsTruncateLength` (inexact), JSON bounds only when they fit whole (a cut JSON
    /// text would not be a valid JSON value).
    func statistics() -> Statistics {
        var statistics = Statistics(nullCount: nullCount)
        guard hasValue else { return statistics }
        if let bounds = StatisticsBounds(storage: storage, minInteger: minInteger, maxInteger: maxInteger,
                                         minWide: minWide, maxWide: maxWide, sawFalse: sawFalse, sawTrue: sawTrue) {
            bounds.apply(to: &statistics)
            return statistics
        }
        let limit = limits.statisticsTruncateLength
        // A cut JSON text would not be a valid JSON value: JSON bounds whole (within the limit,
        // so nothing is cut) or none.
        if case .byteArray(isJSON: true) = storage, minBytes.count > limit || maxBytes.count > limit { return statistics }
        StatisticsBounds(truncating: minBytes, maxBytes, limit: limit).apply(to: &statistics)
        return statistics
    }

    private mutating func reset() {
        if dictionaryPolicy == .trying && dictionaryDataPageCount > 0 { dictionaryPolicy = .committed }
        dictionary.removeAll()
        plainBytesOfValues = 0
        wantsRowGroupClose = false
        dataPages = []
        dataPagesBytes = 0
        uncompressedPageBytes = 0
        numValues = 0
        nullCount = 0
        dictionaryDataPageCount = 0
        plainDataPageCount = 0
        hasValue = false
        sawFalse = false
        sawTrue = false
        minBytes.removeAll(keepingCapacity: true)
        maxBytes.removeAll(keepingCapacity: true)
    }
}
