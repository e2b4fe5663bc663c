/// How a column's statistics are ordered (`union ColumnOrder`).
///
/// Written for every leaf column as TYPE_ORDER: without `column_orders` readers must treat
/// `min_value`/`max_value` as undefined, so the list is what makes the statistics usable
/// (signed order for integers, decimals and timestamps; unsigned bytes for strings and JSON).
/// Spec: parquet.thrift, `FileMetaData.column_orders` and `union ColumnOrder`.
public enum ColumnOrder: Sendable, Hashable, ThriftCompactStruct {
    case typeDefinedOrder

    public func writeFields(to writer: inout ThriftCompactWriter) {
        switch self {
        case .typeDefinedOrder:
            writer.writeField(1, struct: ThriftEmptyStruct())
        }
    }
}
