/// Finds the keys in the environment and the config file that the exporter does not read, so a
/// typo (`EXPORTER_TICK_SECOND=5`) is a warning naming the line and the key it resembles rather
/// than a default silently kept.
///
/// The config file is the exporter's own, so every key in it is checked. The environment is
/// shared with everything else in the process's world, so only names in the exporter's
/// namespace are: every unknown `EXPORTER_*` (but those the repository's scripts set for
/// themselves: `EXPORTER_TEST_*`, `EXPORTER_BIN`, `EXPORTER_MOTO_*`), and a `FLEXPRICE_*` only
/// when it resembles a known key, since FlexPrice's own settings are `FLEXPRICE_*` and may share
/// the environment.
public enum SettingsKeyCheck {
    /// Every key the exporter reads: ``ExporterSettings/keys`` and EXPORTER_CONFIG_FILE.
    public static let knownKeys: [String] = ExporterSettings.keys + [environmentOnlyKey]
    /// Read from the environment only: it names the file, so the file cannot set it.
    public static let environmentOnlyKey = "EXPORTER_CONFIG_FILE"

    /// Warnings for the config file's assignments, in file order.
    public static func fileWarnings(path: String, assignments: [(key: String, line: Int)]) -> [SettingsWarning] {
        var warnings: [SettingsWarning] = []
        var lines: [String: [Int]] = [:]
        var order: [String] = []
        for (key, line) in assignments {
            if lines[key] == nil { order.append(key) }
            lines[key, default: []].append(line)
            guard lines[key]?.count == 1 else { continue }
            if key == environmentOnlyKey {
                warnings.append(.environmentOnlyInFile(key: key, path: path, line: line))
            } else if key.hasPrefix("PG") {
                warnings.append(.libpqVariableInFile(key: key, path: path, line: line))
            } else if !knownKeys.contains(key) {
                warnings.append(.unknownKey(key: key, origin: .file(path: path, line: line), suggestion: suggestion(for: key)))
            }
        }
        for key in order {
            if let repeated = lines[key], repeated.count > 1 {
                warnings.append(.repeatedKey(key: key, path: path, lines: repeated))
            }
        }
        return warnings
    }

    /// Warnings for the process environment's names, sorted by name.
    public static func environmentWarnings(_ names: some Sequence<String>) -> [SettingsWarning] {
        names.sorted().compactMap { name in
            guard !knownKeys.contains(name) else { return nil }
            if name.hasPrefix("EXPORTER_") {
                guard !isScriptVariable(name) else { return nil }
                return .unknownKey(key: name, origin: .environment, suggestion: suggestion(for: name))
            }
            if name.hasPrefix("FLEXPRICE_"), let close = suggestion(for: name) {
                return .unknownKey(key: name, origin: .environment, suggestion: close)
            }
            return nil
        }
    }

    /// The known key `key` most resembles, if one is close: the same but for case, the same
    /// without the `EXPORTER_` prefix, a few letters apart (optimal string alignment distance up
    /// to an eighth of the key's length, at least 2), or all of `key`'s words and more
    /// (`FLEXPRICE_ENCRYPTION_KEY`). The nearest wins; on a tie, the first in ``knownKeys``.
    public static func suggestion(for key: String) -> String? {
        let upper = key.uppercased()
        let words = Set(upper.split(separator: "_"))
        var best: (key: String, distance: Int)?
        for candidate in knownKeys {
            let distance = editDistance(Array(upper.utf8), Array(candidate.utf8))
            let close = distance <= max(2, candidate.utf8.count / 8)
                || "EXPORTER_" + upper == candidate
                || (words.count >= 2 && words.isSubset(of: Set(candidate.split(separator: "_"))))
            guard close, candidate != key else { continue }
            if let nearest = best, nearest.distance <= distance { continue }
            best = (candidate, distance)
        }
        return best?.key
    }

    static func isScriptVariable(_ name: String) -> Bool {
        name.hasPrefix("EXPORTER_TEST_") || name.hasPrefix("EXPORTER_MOTO_") || name == "EXPORTER_BIN"
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and transpositions
    /// of neighbours each count 1.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
