/// Why a fixture could not be used, so a broken fixture fails its test with a reason.
enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(String)

    var description: String {
        switch self {
        case .missing(let what): "missing fixture: \(what)"
        case .malformed(let what): "malformed fixture: \(what)"
        }
    }
}
