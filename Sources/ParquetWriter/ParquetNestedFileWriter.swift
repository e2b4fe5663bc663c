/// Writes one small Parquet file whose schema is a tree (structs, maps, lists), from columns the
/// caller has already shredded into definition and repetition levels.
///
/// Why a separate type: the streaming ``ParquetFileWriter`` is built for the exporter's flat rows
/// (every column OPTIONAL at the top level, one definition bit per cell, dictionaries, bounded
/// memory), and stays as it is. Delta Lake checkpoints need nested columns but are small
/// (thousands of rows), so this writer holds the whole file in memory and writes it in one call:
/// one row group, PLAIN values, data pages v1 with RLE repetition then definition levels, chunk
/// statistics, pages compressed by the same ``PageCodec`` seam. It reuses the flat writer's
/// Thrift structs, RLE/bit-packed and PLAIN encoders and chunk layout.
///
/// Usage: build the schema from ``ParquetSchemaNode``s, read ``leaves`` for the leaf order and
/// each leaf's maximum levels, then ``write(_:)`` one ``ParquetLeafColumn`` per leaf.
/// Spec: https://github.com/apache/parquet-format#nested-encoding
public struct ParquetNestedFileWriter: Sendable {
    /// The top-level fields, under the root group `schema`.
    public let schema: [ParquetSchemaNode]
    /// The leaf columns in schema order (depth first), as ``write(_:)`` takes them.
    public let leaves: [ParquetLeafDescriptor]
    public let codec: any PageCodec
    /// `FileMetaData.created_by` (see ``ParquetWriterOptions/createdBy(application:version:build:)``).
    public var createdBy: String
    public var keyValueMetadata: [KeyValue]
    /// A page is cut after about this many level entries, at the next row start.
    public var maxValuesPerPage = 20_000
    /// ... or once its values take this many bytes (1 MiB, as the flat writer's pages).
    public var pageSizeBytes = 1 << 20
    /// String statistics longer than this are truncated and marked inexact.
    public var statisticsTruncateLength = 64

    /// Levels travel as bytes, so the schema is at most this deep in optional/repeated fields.
    static let maxLevel = Int(UInt8.max)

    public init(
        schema: [ParquetSchemaNode], codec: any PageCodec = UncompressedPageCodec(), createdBy: String,
        keyValueMetadata: [KeyValue] = []
    ) throws(ParquetWriterError) {
        guard !schema.isEmpty else { throw .invalidSchema("a Parquet file needs at least one column") }
        try Self.checkSiblings(schema, parent: "schema")
        var leaves: [ParquetLeafDescriptor] = []
        for node in schema {
            try Self.collectLeaves(node, path: [], definition: 0, repetition: 0, into: &leaves)
        }
        self.schema = schema
        self.leaves = leaves
        self.codec = codec
        self.createdBy = createdBy
        self.keyValueMetadata = keyValueMetadata
    }

    /// The file: `PAR1`, one row group with a chunk per leaf (none when there are no rows), the
    /// footer, its length and `PAR1`.
    public func write(_ columns: [ParquetLeafColumn]) throws(ParquetWriterError) -> [UInt8] {
        guard maxValuesPerPage > 0, pageSizeBytes > 0, statisticsTruncateLength > 0 else {
            throw .invalidSchema("page and statistics limits must be positive")
        }
        guard columns.count == leaves.count else { throw .rowShape(expected: leaves.count, got: columns.count) }
        var rows: Int?
        for (leaf, column) in zip(leaves, columns) {
            let leafRows = try Self.check(column, against: leaf)
            if let rows, rows != leafRows {
                throw .invalidLevels(
                    column: leaf.dottedPath, reason: "holds \(leafRows) rows where the first column holds \(rows)")
            }
            rows = leafRows
        }
        let rowCount = rows ?? 0
        var sealed: [SealedChunk] = []
        if rowCount > 0 {
            for (leaf, column) in zip(leaves, columns) {
                sealed.append(try NestedColumnChunkEncoder.encode(
                    leaf, column, codec: codec.codec, maxValuesPerPage: maxValuesPerPage, pageSizeBytes: pageSizeBytes,
                    statisticsTruncateLength: statisticsTruncateLength))
            }
        }
        let compressed = try PageCompression.compress(sealed.flatMap(\.uncompressedBodies), codec: codec)
        var next = compressed.startIndex
        for index in sealed.indices {
            let count = sealed[index].uncompressedBodies.count
            sealed[index].store(compressed: compressed[next..<(next + count)])
            next += count
        }
        var file = ParquetFileWriter.magic
        let groupStart = Int64(file.count)
        var offset = groupStart
        var uncompressed: Int64 = 0
        var chunks: [ColumnChunk] = []
        for chunk in sealed {
            let (parts, metaData) = try chunk.layout(at: offset)
            for part in parts { file.append(contentsOf: part) }
            offset += metaData.totalCompressedSize
            uncompressed += metaData.totalUncompressedSize
            chunks.append(ColumnChunk(fileOffset: 0, metaData: metaData))
        }
        var rowGroups: [RowGroup] = []
        if rowCount > 0 {
            rowGroups.append(RowGroup(
                columns: chunks, totalByteSize: uncompressed, numRows: Int64(rowCount),
                fileOffset: groupStart, totalCompressedSize: offset - groupStart, ordinal: 0))
        }
        let footer = ThriftCompactWriter.serialize(FileMetaData(
            version: 1, schema: schemaElements, numRows: Int64(rowCount), rowGroups: rowGroups,
            keyValueMetadata: keyValueMetadata.isEmpty ? nil : keyValueMetadata, createdBy: createdBy,
            columnOrders: Array(repeating: .typeDefinedOrder, count: leaves.count)))
        file.append(contentsOf: footer)
        PlainEncoder.append(int32: Int32(truncatingIfNeeded: footer.count), to: &file)
        file.append(contentsOf: ParquetFileWriter.magic)
        return file
    }

    /// The schema flattened depth first, as the footer lists it: the root group `schema`, then
    /// each node (groups with their child count and MAP/LIST annotation, leaves with their type).
    public var schemaElements: [SchemaElement] {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(schema.count))]
        for node in schema { Self.append(node, to: &elements) }
        return elements
    }

    // MARK: Schema

    private static func append(_ node: ParquetSchemaNode, to elements: inout [SchemaElement]) {
        switch node.kind {
        case .group(let children, let annotation):
            elements.append(SchemaElement(
                repetitionType: node.repetition, name: node.name, numChildren: Int32(children.count),
                convertedType: annotation?.convertedType, logicalType: annotation?.logicalType))
            for child in children { append(child, to: &elements) }
        case .leaf(let type):
            let isString = type == .string
            elements.append(SchemaElement(
                type: type.physicalType, repetitionType: node.repetition, name: node.name,
                convertedType: isString ? .utf8 : nil, logicalType: isString ? .string : nil))
        }
    }

    private static func checkSiblings(_ nodes: [ParquetSchemaNode], parent: String) throws(ParquetWriterError) {
        guard nodes.count <= Int(Int32.max) else { throw .invalidSchema("group \(parent) has too many fields") }
        var names = Set<String>()
        for node in nodes {
            guard !node.name.isEmpty else { throw .invalidSchema("a field of \(parent) has an empty name") }
            guard names.insert(node.name).inserted else {
                throw .invalidSchema("field \(node.name) appears twice in \(parent)")
            }
        }
    }

    private static func collectLeaves(
        _ node: ParquetSchemaNode, path: [String], definition: Int, repetition: Int,
        into leaves: inout [ParquetLeafDescriptor]
    ) throws(ParquetWriterError) {
        let path = path + [node.name]
        let dotted = path.joined(separator: ".")
        let definition = definition + (node.repetition == .required ? 0 : 1)
        let repetition = repetition + (node.repetition == .repeated ? 1 : 0)
        guard definition <= maxLevel else { throw .invalidSchema("\(dotted) is nested deeper than \(maxLevel) levels") }
        switch node.kind {
        case .leaf(let type):
            leaves.append(ParquetLeafDescriptor(
                path: path, type: type, maxDefinitionLevel: definition, maxRepetitionLevel: repetition))
        case .group(let children, let annotation):
            guard !children.isEmpty else { throw .invalidSchema("group \(dotted) has no fields") }
            try checkSiblings(children, parent: dotted)
            if let annotation { try check(annotation, of: dotted, children: children) }
            for child in children {
                try collectLeaves(child, path: path, definition: definition, repetition: repetition, into: &leaves)
            }
        }
    }

    /// MAP and LIST groups hold exactly one repeated group (key_value with a required `key` then
    /// `value`; list with one element), the layout readers expect.
    private static func check(
        _ annotation: ParquetGroupAnnotation, of name: String, children: [ParquetSchemaNode]
    ) throws(ParquetWriterError) {
        guard children.count == 1, let inner = children.first, inner.repetition == .repeated,
              case .group(let fields, _) = inner.kind
        else { throw .invalidSchema("\(annotation) group \(name) must hold exactly one repeated group") }
        switch annotation {
        case .map:
            guard fields.count == 2, fields[0].name == "key", fields[0].repetition == .required else {
                throw .invalidSchema("map \(name) must hold a required key and a value")
            }
        case .list:
            guard fields.count == 1 else { throw .invalidSchema("list \(name) must hold exactly one element field") }
        }
    }

    // MARK: Levels

    /// Checks a column against its leaf and returns its row count (entries with repetition level 0).
    private static func check(_ column: ParquetLeafColumn, against leaf: ParquetLeafDescriptor)
        throws(ParquetWriterError) -> Int
    {
        let name = leaf.dottedPath
        let definitions = column.definitionLevels
        let repetitions = column.repetitionLevels
        guard column.values.fits(leaf.type) else {
            throw .typeMismatch(column: name, expected: "\(leaf.type) values", got: column.values.kind)
        }
        if repetitions.isEmpty {
            guard leaf.maxRepetitionLevel == 0 || definitions.isEmpty else {
                throw .invalidLevels(column: name, reason: "is under a repeated field but has no repetition levels")
            }
        } else if repetitions.count != definitions.count {
            throw .invalidLevels(
                column: name,
                reason: "has \(definitions.count) definition levels but \(repetitions.count) repetition levels")
        }
        var present = 0
        for level in definitions {
            guard Int(level) <= leaf.maxDefinitionLevel else {
                throw .invalidLevels(
                    column: name, reason: "definition level \(level) over the maximum \(leaf.maxDefinitionLevel)")
            }
            if Int(level) == leaf.maxDefinitionLevel { present += 1 }
        }
        guard present == column.values.count else {
            throw .invalidLevels(
                column: name, reason: "\(present) entries are defined but \(column.values.count) values were given")
        }
        guard !repetitions.isEmpty else { return definitions.count }
        guard repetitions[0] == 0 else { throw .invalidLevels(column: name, reason: "the first entry does not start a row") }
        var rows = 0
        for level in repetitions {
            guard Int(level) <= leaf.maxRepetitionLevel else {
                throw .invalidLevels(
                    column: name, reason: "repetition level \(level) over the maximum \(leaf.maxRepetitionLevel)")
            }
            if level == 0 { rows += 1 }
        }
        return rows
    }
}
