import Foundation
import Journal

/// What an admin decided about the LMS side of things. Rule sets are journaled when adopted so
/// every derived fact can name the version that caused it.
public enum AdminEvent: Sendable, Equatable {
    /// A rule set came into force. Subject: ``AdminEvent/rulesSubject``.
    case rulesAdopted(RulesAdoption)
    /// An archived worker's LMS user was brought back, with its history, groups and assignments.
    /// Subject: the employee ID.
    case restored(by: String, reason: String?)

    /// The subject of rule-set adoptions.
    public static let rulesSubject = "rules"

    /// The wire name.
    public var type: EventType {
        switch self {
        case .rulesAdopted: "rules.adopted.v1"
        case .restored: "admin.worker-restored.v1"
        }
    }

    /// The JSON payload.
    public func payload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch self {
        case .rulesAdopted(let adoption): return Array(try encoder.encode(adoption))
        case .restored(let by, let reason): return Array(try encoder.encode(Restoration(by: by, reason: reason)))
        }
    }

    /// Decodes a recorded event; nil when `type` is not an admin event.
    public static func decode(type: EventType, payload: [UInt8]) throws -> AdminEvent? {
        let decoder = JSONDecoder()
        switch type.rawValue {
        case "rules.adopted.v1": return .rulesAdopted(try decoder.decode(RulesAdoption.self, from: Data(payload)))
        case "admin.worker-restored.v1":
            let restoration = try decoder.decode(Restoration.self, from: Data(payload))
            return .restored(by: restoration.by, reason: restoration.reason)
        default: return nil
        }
    }

    struct Restoration: Codable {
        var by: String
        var reason: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(by, forKey: .by)
            try container.encode(reason, forKey: .reason)
        }
    }
}

/// A rule set coming into force: its text as written, and its SHA-256.
public struct RulesAdoption: Hashable, Sendable, Codable {
    /// The SHA-256 of `text`, in hex.
    public var version: String
    public var text: String
    /// Where the text came from (a file path, or `roster.yml`).
    public var source: String
    /// Who adopted it.
    public var adoptedBy: String

    public init(version: String, text: String, source: String, adoptedBy: String) {
        self.version = version
        self.text = text
        self.source = source
        self.adoptedBy = adoptedBy
    }

    enum CodingKeys: String, CodingKey {
        case version, text, source
        case adoptedBy = "adopted_by"
    }
}
