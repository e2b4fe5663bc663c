/// A Parquet metadata struct that knows its own Thrift field ids.
///
/// Each conforming type writes its set fields in ascending id order (the compact protocol's
/// field-id deltas assume it) and leaves optional fields that are `nil` out entirely. A Thrift
/// union is a struct with exactly one field set.
public protocol ThriftCompactStruct: Sendable {
    func writeFields(to writer: inout ThriftCompactWriter)
}

/// A Thrift struct with no fields (`StringType`, `JsonType`, `MicroSeconds`, `TypeDefinedOrder`,
/// ...): Parquet uses them as the members of its unions.
public struct ThriftEmptyStruct: ThriftCompactStruct {
    public init() {}
    public func writeFields(to writer: inout ThriftCompactWriter) {}
}
