/// The page codec together with the one scratch buffer every column assembles its page bodies
/// in, so a file keeps a single page-sized scratch buffer rather than one per column.
struct PageOutput: Sendable {
    let codec: any PageCodec
    var scratch: [UInt8] = []

    init(codec: any PageCodec) {
        self.codec = codec
    }
}
