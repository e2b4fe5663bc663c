/// A page encoded but not yet compressed: its header (sizes still zero) and its body.
struct PendingPage: Sendable {
    var header: PageHeader
    var body: [UInt8]
}
