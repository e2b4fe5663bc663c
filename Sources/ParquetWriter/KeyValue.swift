/// Application metadata in the footer (`struct KeyValue`), e.g. the exported entity or window.
public struct KeyValue: Sendable, Hashable, ThriftCompactStruct {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, string: key)
        if let value { writer.writeField(2, string: value) }
    }
}
