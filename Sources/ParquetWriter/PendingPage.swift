/// A page encoded but perhaps not yet compressed: its header (sizes still zero) and its body.
struct PendingPage: Sendable {
    var header: PageHeader
    /// The uncompressed body until ``compressed`` is set, then emptied (sizes are kept).
    var body: [UInt8]
    /// The compressed body, once compressed (in a batch while the row group fills, or at its close).
    var compressed: [UInt8]?
    /// The body's size before compression.
    let uncompressedSize: Int

    init(header: PageHeader, body: [UInt8]) {
        self.header = header
        self.body = body
        uncompressedSize = body.count
    }

    /// What the page holds in memory now.
    var heldBytes: Int { compressed?.count ?? body.count }
}
