import Foundation

/// One line of a Delta Lake commit file: a single action, written as `{"<name>": {...}}`.
///
/// The log is the table (https://github.com/delta-io/delta/blob/master/PROTOCOL.md#actions):
/// readers replay these actions to learn which files hold the table's rows. Actions this writer
/// never writes (`cdc`, `domainMetadata`, `checkpointMetadata`, ...) are kept as ``other`` when
/// read, so another writer's commit replays without error.
public enum DeltaAction: Sendable, Hashable {
    case `protocol`(DeltaProtocol)
    case metaData(DeltaMetadata)
    case add(DeltaAdd)
    case remove(DeltaRemove)
    case txn(DeltaTransaction)
    case commitInfo(DeltaCommitInfo)
    /// An action this writer does not interpret, by name.
    case other(String)
}

extension DeltaAction: Codable {
    private enum Key: String, CodingKey {
        case `protocol`, metaData, add, remove, txn, commitInfo
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let value = try container.decodeIfPresent(DeltaAdd.self, forKey: .add) { self = .add(value); return }
        if let value = try container.decodeIfPresent(DeltaRemove.self, forKey: .remove) { self = .remove(value); return }
        if let value = try container.decodeIfPresent(DeltaTransaction.self, forKey: .txn) { self = .txn(value); return }
        if let value = try container.decodeIfPresent(DeltaMetadata.self, forKey: .metaData) { self = .metaData(value); return }
        if let value = try container.decodeIfPresent(DeltaProtocol.self, forKey: .protocol) { self = .protocol(value); return }
        if let value = try container.decodeIfPresent(DeltaCommitInfo.self, forKey: .commitInfo) { self = .commitInfo(value); return }
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        self = .other(names.first ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .protocol(let value): try container.encode(value, forKey: .protocol)
        case .metaData(let value): try container.encode(value, forKey: .metaData)
        case .add(let value): try container.encode(value, forKey: .add)
        case .remove(let value): try container.encode(value, forKey: .remove)
        case .txn(let value): try container.encode(value, forKey: .txn)
        case .commitInfo(let value): try container.encode(value, forKey: .commitInfo)
        case .other(let name):
            throw EncodingError.invalidValue(name, .init(codingPath: [], debugDescription: "an action read from another writer is never written"))
        }
    }
}
