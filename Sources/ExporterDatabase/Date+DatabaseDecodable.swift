import ExporterCore
import Foundation

extension Date: DatabaseDecodable {
    /// timestamptz in the ISO output each connection sets (`2026-11-27 15:22:39.123456+00`), to
    /// the microsecond (``Timestamp/parseMicros(_:)``); `infinity` and `-infinity` are the
    /// distant future and past.
    public init(databaseText text: String?) throws(DecodingProblem) {
        switch try Self.required(text) {
        case "infinity": self = .distantFuture
        case "-infinity": self = .distantPast
        case let text:
            guard let micros = Timestamp.parseMicros(text) else { throw DecodingProblem("is not a valid Date") }
            self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
        }
    }
}
