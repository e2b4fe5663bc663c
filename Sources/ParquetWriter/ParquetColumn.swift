/// One column of the file's flat schema: its name and its type.
public struct ParquetColumn: Sendable, Hashable {
    public var name: String
    public var type: ParquetColumnType

    public init(name: String, type: ParquetColumnType) {
        self.name = name
        self.type = type
    }
}
