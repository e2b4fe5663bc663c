import ParquetWriter

/// Shreds checkpoint rows (``CheckpointValue`` trees) into the definition and repetition levels
/// and values of each Parquet leaf column (the Dremel algorithm), for ``ParquetNestedFileWriter``.
///
/// For each field on a leaf's path: an optional field that is NULL, or a repeated field with no
/// occurrence, ends the path there (every leaf below gets the definition level reached so far and
/// no value); a present optional field or an occurrence of a repeated field adds one definition
/// level; the second and later occurrences of a repeated field repeat at that field's depth (its
/// repetition level), the first one at the level its parent started with.
/// Spec: https://github.com/apache/parquet-format#nested-encoding (Dremel, "Striping").
struct CheckpointShredder {
    /// One leaf column as it fills.
    private struct Leaf {
        var definitions: [UInt8] = []
        var repetitions: [UInt8] = []
        var strings: [[UInt8]] = []
        var int32s: [Int32] = []
        var int64s: [Int64] = []
        var booleans: [Bool] = []
    }

    let schema: [ParquetSchemaNode]
    let leafTypes: [ParquetLeafType]
    private var leaves: [Leaf]

    init(schema: [ParquetSchemaNode], leaves descriptors: [ParquetLeafDescriptor]) {
        self.schema = schema
        leafTypes = descriptors.map(\.type)
        leaves = Array(repeating: Leaf(), count: descriptors.count)
    }

    /// Adds one row: a value per top-level field, in schema order.
    mutating func append(row: [CheckpointValue]) throws(DeltaCheckpointError) {
        guard row.count == schema.count else {
            throw .shape("a row has \(row.count) fields, the schema \(schema.count)")
        }
        var cursor = 0
        for (node, value) in zip(schema, row) {
            try shred(node, value, definition: 0, repetition: 0, depth: 0, cursor: &cursor)
        }
    }

    /// The shredded columns, in leaf order.
    var columns: [ParquetLeafColumn] {
        zip(leaves, leafTypes).map { leaf, type in
            let values: ParquetLeafValues = switch type {
            case .string: .byteArrays(leaf.strings)
            case .int32: .int32(leaf.int32s)
            case .int64: .int64(leaf.int64s)
            case .boolean: .boolean(leaf.booleans)
            }
            return ParquetLeafColumn(definitionLevels: leaf.definitions, repetitionLevels: leaf.repetitions, values: values)
        }
    }

    /// `node` holding `value`: `definition` is the level its parent reached, `repetition` the
    /// level its first entry repeats at, `depth` the number of repeated fields above it.
    private mutating func shred(
        _ node: ParquetSchemaNode, _ value: CheckpointValue, definition: Int, repetition: Int, depth: Int,
        cursor: inout Int
    ) throws(DeltaCheckpointError) {
        switch node.repetition {
        case .repeated:
            let items: [CheckpointValue]
            switch value {
            case .repeated(let values): items = values
            case .null: items = []
            default: throw .shape("repeated field \(node.name) was given a single value")
            }
            guard !items.isEmpty else {
                absent(node, definition: definition, repetition: repetition, cursor: &cursor)
                return
            }
            let start = cursor
            for (index, item) in items.enumerated() {
                cursor = start
                try present(
                    node, item, definition: definition + 1, repetition: index == 0 ? repetition : depth + 1,
                    depth: depth + 1, cursor: &cursor)
            }
        case .optional:
            if value == .null {
                absent(node, definition: definition, repetition: repetition, cursor: &cursor)
            } else {
                try present(node, value, definition: definition + 1, repetition: repetition, depth: depth, cursor: &cursor)
            }
        case .required:
            guard value != .null else { throw .shape("required field \(node.name) is NULL") }
            try present(node, value, definition: definition, repetition: repetition, depth: depth, cursor: &cursor)
        }
    }

    private mutating func present(
        _ node: ParquetSchemaNode, _ value: CheckpointValue, definition: Int, repetition: Int, depth: Int,
        cursor: inout Int
    ) throws(DeltaCheckpointError) {
        switch node.kind {
        case .group(let children, _):
            guard case .group(let values) = value, values.count == children.count else {
                throw .shape("group \(node.name) needs \(children.count) field values")
            }
            for (child, childValue) in zip(children, values) {
                try shred(child, childValue, definition: definition, repetition: repetition, depth: depth, cursor: &cursor)
            }
        case .leaf(let type):
            let index = cursor
            cursor += 1
            switch (type, value) {
            case (.string, .string(let text)): leaves[index].strings.append(Array(text.utf8))
            case (.int32, .int32(let number)): leaves[index].int32s.append(number)
            case (.int64, .int64(let number)): leaves[index].int64s.append(number)
            case (.boolean, .boolean(let flag)): leaves[index].booleans.append(flag)
            default: throw .shape("leaf \(node.name) of type \(type) was given \(value)")
            }
            leaves[index].definitions.append(UInt8(truncatingIfNeeded: definition))
            leaves[index].repetitions.append(UInt8(truncatingIfNeeded: repetition))
        }
    }

    /// Every leaf under `node` gets an entry without a value at the level reached.
    private mutating func absent(_ node: ParquetSchemaNode, definition: Int, repetition: Int, cursor: inout Int) {
        switch node.kind {
        case .group(let children, _):
            for child in children { absent(child, definition: definition, repetition: repetition, cursor: &cursor) }
        case .leaf:
            leaves[cursor].definitions.append(UInt8(truncatingIfNeeded: definition))
            leaves[cursor].repetitions.append(UInt8(truncatingIfNeeded: repetition))
            cursor += 1
        }
    }
}
