/// The `protocol` action: the lowest reader and writer versions a client needs to use the table.
///
/// This writer uses no table feature (no deletion vectors, column mapping, constraints, or
/// generated columns), so it asks for reader 1 and writer 1: every Delta reader opens the table.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#protocol-evolution
public struct DeltaProtocol: Codable, Sendable, Hashable {
    public var minReaderVersion: Int32
    public var minWriterVersion: Int32
    public var readerFeatures: [String]?
    public var writerFeatures: [String]?

    public init(minReaderVersion: Int32 = 1, minWriterVersion: Int32 = 1) {
        self.minReaderVersion = minReaderVersion
        self.minWriterVersion = minWriterVersion
    }

    /// What this writer writes.
    public static let exporter = DeltaProtocol()

    /// Whether this writer may append to a table with this protocol: reader and writer versions
    /// it implements, and no table feature it would have to honour.
    public var isWritableByExporter: Bool {
        minWriterVersion <= 2 && minReaderVersion <= 1 && (writerFeatures ?? []).isEmpty
    }
}
