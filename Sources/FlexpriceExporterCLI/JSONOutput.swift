import Foundation

/// How `--json` prints (`status`, `url`): pretty, keys sorted, `/` not escaped, so the output
/// is stable for scripts and diffs and URLs and keys stay readable.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
