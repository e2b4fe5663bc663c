import Foundation

/// How the log's JSON is written: one action per line, keys sorted (a commit's bytes depend only
/// on its actions), `/` left unescaped so paths read as paths.
public enum DeltaJSON {
    /// A commit file's text: each action on its own line, each line ending in `\n`.
    public static func commit(_ actions: [DeltaAction]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for action in actions {
            text += String(decoding: try encoder.encode(action), as: UTF8.self) + "\n"
        }
        return text
    }

    /// The actions of a commit file (newline-delimited JSON; blank lines skipped).
    public static func actions(_ text: String, version: Int64) throws(DeltaLogError) -> [DeltaAction] {
        var actions: [DeltaAction] = []
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                actions.append(try decoder.decode(DeltaAction.self, from: Data(trimmed.utf8)))
            } catch {
                throw .malformedCommit(version: version, line: index + 1)
            }
        }
        return actions
    }
}
