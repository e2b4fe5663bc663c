/// How far a run has got: what `sync`'s progress line and the daemon's progress log show.
public struct RunProgress: Sendable, Hashable {
    /// Rows read from PostgreSQL and encoded so far.
    public var rows: Int64
    /// Bytes of binary COPY data read from PostgreSQL so far.
    public var bytesRead: Int64
    /// Bytes (compressed, as stored) handed to the upload so far; S3 holds them once their part
    /// is sent, so this runs at most one part ahead of the bucket.
    public var bytesUploaded: Int64
    /// Time since the run started.
    public var elapsed: Duration

    public init(rows: Int64 = 0, bytesRead: Int64 = 0, bytesUploaded: Int64 = 0, elapsed: Duration = .zero) {
        self.rows = rows
        self.bytesRead = bytesRead
        self.bytesUploaded = bytesUploaded
        self.elapsed = elapsed
    }

    /// Rows per second over the whole run so far (0 before any time has passed).
    public var rowsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(rows) / seconds : 0
    }
}
