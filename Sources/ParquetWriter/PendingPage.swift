/// A page encoded but not yet compressed: its header (sizes still zero) and its body.
struct PendingPage: Sendable {
    var header: PageHeader
    /// Emptied once compressed, so a row group is not held uncompressed while it is laid out.
    var body: [UInt8]
    /// The body's size before compression (kept when the body is dropped).
    let uncompressedSize: Int

    init(header: PageHeader, body: [UInt8]) {
        self.header = header
        self.body = body
        uncompressedSize = body.count
    }
}
