import Foundation

/// How the log's JSON is written: one action per line, keys sorted (a commit's bytes depend only
/// on its actions), `/` left unescaped so paths read as paths.
public enum DeltaJSON {
    /// A commit file's text: each action on its own line, each line ending in `\n`.
    public static func commit(_ actions: [DeltaAction]) throws -> String {
        let encoder = makeEncoder()
        var text = ""
        for action in actions {
            text += String(decoding: try encoder.encode(action), as: UTF8.self) + "\n"
        }
        return text
    }

    /// One action as one line of JSON without its line end, as the run history stores it.
    public static func line(_ action: DeltaAction) throws -> String {
        String(decoding: try makeEncoder().encode(action), as: UTF8.self)
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The actions of a commit file (newline-delimited JSON; blank lines skipped and not counted
    /// in a malformed line's number).
    ///
    /// Read as UTF-8 bytes: splitting into Characters and trimming with Foundation took about
    /// two thirds of a checkpoint's CPU at 26,280 files (bench/delta-scale.sh), the JSON decoding 15%.
    public static func actions(_ text: String, version: Int64) throws(DeltaLogError) -> [DeltaAction] {
        var actions: [DeltaAction] = []
        let decoder = JSONDecoder()
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        for (index, line) in lines.enumerated() {
            // JSON's whitespace: a line of nothing else is blank.
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) { continue }
            do {
                actions.append(try decoder.decode(DeltaAction.self, from: Data(line)))
            } catch {
                throw .malformedCommit(version: version, line: index + 1)
            }
        }
        return actions
    }
}
