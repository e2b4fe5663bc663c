/// How often a connection exports: the length of its windows (DESIGN §4).
public enum SyncInterval: String, Sendable, CaseIterable, Codable, Hashable {
    case daily
    case weekly
    case monthly
}
