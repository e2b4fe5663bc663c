/// The present values of one leaf column, in order: one per level entry whose definition level
/// is the leaf's maximum (NULLs and empty lists have levels but no value).
public enum ParquetLeafValues: Sendable, Hashable {
    case byteArrays([[UInt8]])
    case int32([Int32])
    case int64([Int64])
    case boolean([Bool])

    /// UTF-8 text, for `.string` leaves.
    public static func strings(_ values: [String]) -> Self { .byteArrays(values.map { Array($0.utf8) }) }

    public var count: Int {
        switch self {
        case .byteArrays(let values): values.count
        case .int32(let values): values.count
        case .int64(let values): values.count
        case .boolean(let values): values.count
        }
    }

    /// What the values are, for error messages.
    var kind: String {
        switch self {
        case .byteArrays: "byte arrays"
        case .int32: "Int32 values"
        case .int64: "Int64 values"
        case .boolean: "Bool values"
        }
    }

    func fits(_ type: ParquetLeafType) -> Bool {
        switch (self, type) {
        case (.byteArrays, .string), (.int32, .int32), (.int64, .int64), (.boolean, .boolean): true
        default: false
        }
    }
}
