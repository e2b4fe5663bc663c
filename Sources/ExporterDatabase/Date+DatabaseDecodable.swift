import Foundation

extension Date: DatabaseDecodable {
    /// timestamptz (or timestamp, read as UTC) in ISO output, to the microsecond.
    public init(databaseText text: String?) throws(DecodingProblem) {
        let micros = try Self.parsed(text) { PostgresTimestamp.micros(fromText: $0) }
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
