import Foundation
import Journal

/// What happened to a received file (a batch). Subject: the batch's ID.
public enum BatchEvent: Sendable, Equatable {
    /// A file arrived and was kept byte for byte under its SHA-256.
    case received(BatchReceipt)
    /// One row could not be used; the other rows go on.
    case rowQuarantined(QuarantinedRow)
    /// The whole file was refused; nothing in it took effect.
    case rejected(BatchRejection)
    /// A safety threshold was crossed; nothing takes effect until an admin approves.
    case held(BatchHold)
    /// An admin approved a held batch; its events follow in the same append.
    case approved(by: String)
    /// The batch's changes were journaled.
    case applied(BatchCounts)

    /// The wire name.
    public var type: EventType {
        switch self {
        case .received: "batch.received.v1"
        case .rowQuarantined: "batch.row-quarantined.v1"
        case .rejected: "batch.rejected.v1"
        case .held: "batch.held.v1"
        case .approved: "batch.approved.v1"
        case .applied: "batch.applied.v1"
        }
    }

    /// The JSON payload.
    public func payload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch self {
        case .received(let receipt): return Array(try encoder.encode(receipt))
        case .rowQuarantined(let row): return Array(try encoder.encode(row))
        case .rejected(let rejection): return Array(try encoder.encode(rejection))
        case .held(let hold): return Array(try encoder.encode(hold))
        case .approved(let by): return Array(try encoder.encode(["by": by]))
        case .applied(let counts): return Array(try encoder.encode(counts))
        }
    }

    /// Decodes a recorded event; nil when `type` is not a batch event.
    public static func decode(type: EventType, payload: [UInt8]) throws -> BatchEvent? {
        let decoder = JSONDecoder()
        let data = Data(payload)
        switch type.rawValue {
        case "batch.received.v1": return .received(try decoder.decode(BatchReceipt.self, from: data))
        case "batch.row-quarantined.v1": return .rowQuarantined(try decoder.decode(QuarantinedRow.self, from: data))
        case "batch.rejected.v1": return .rejected(try decoder.decode(BatchRejection.self, from: data))
        case "batch.held.v1": return .held(try decoder.decode(BatchHold.self, from: data))
        case "batch.approved.v1": return .approved(by: try decoder.decode([String: String].self, from: data)["by"] ?? "")
        case "batch.applied.v1": return .applied(try decoder.decode(BatchCounts.self, from: data))
        default: return nil
        }
    }
}

/// A received file.
public struct BatchReceipt: Hashable, Sendable, Codable {
    public var feed: String
    /// The file's name as received.
    public var file: String
    /// SHA-256 of its bytes, hex: where the file is kept.
    public var sha256: String
    public var bytes: Int
    /// Data rows (records after the header).
    public var rows: Int
    /// Whether the file is the feed's whole population (a full snapshot, where a worker missing
    /// is absent) or only changes (a delta file, a webhook, a poll); nil in batches journaled
    /// before Roster said.
    public var complete: Bool?

    public init(feed: String, file: String, sha256: String, bytes: Int, rows: Int, complete: Bool? = nil) {
        self.feed = feed
        self.file = file
        self.sha256 = sha256
        self.bytes = bytes
        self.rows = rows
        self.complete = complete
    }
}

/// A row put in quarantine: where it is, what is wrong, and the employee ID when it had one.
public struct QuarantinedRow: Hashable, Sendable, Codable {
    public var file: String
    public var line: Int
    /// The column's header name, when one field is at fault.
    public var column: String?
    public var employeeID: String?
    public var reason: String

    public init(file: String, line: Int, column: String?, employeeID: String?, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.employeeID = employeeID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case file, line, column, reason
        case employeeID = "employee_id"
    }
}

/// Why a whole file was refused.
public struct BatchRejection: Hashable, Sendable, Codable {
    public var reason: String
    public var line: Int?
    public var column: Int?
    /// Who rejected it, when an admin did.
    public var by: String?

    public init(reason: String, line: Int? = nil, column: Int? = nil, by: String? = nil) {
        self.reason = reason
        self.line = line
        self.column = column
        self.by = by
    }
}

/// What a batch would do, by action.
public struct BatchCounts: Hashable, Sendable, Codable {
    public var creates = 0
    public var changes = 0
    public var terminations = 0
    /// Workers missing from a full snapshot who were there in the one before: each is journaled
    /// absent.
    public var absences = 0
    public var quarantined = 0
    /// Workers missing again, already absent from an earlier snapshot (nothing new is journaled
    /// about them; each snapshot they miss counts towards the grace policy).
    public var stillAbsent = 0

    public init(creates: Int = 0, changes: Int = 0, terminations: Int = 0, absences: Int = 0, quarantined: Int = 0, stillAbsent: Int = 0) {
        self.creates = creates
        self.changes = changes
        self.terminations = terminations
        self.absences = absences
        self.quarantined = quarantined
        self.stillAbsent = stillAbsent
    }

    enum CodingKeys: String, CodingKey {
        case creates, changes, terminations, absences, quarantined
        case stillAbsent = "still_absent"
    }

    /// Batches journaled before `stillAbsent` was counted read as none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        creates = try container.decode(Int.self, forKey: .creates)
        changes = try container.decode(Int.self, forKey: .changes)
        terminations = try container.decode(Int.self, forKey: .terminations)
        absences = try container.decode(Int.self, forKey: .absences)
        quarantined = try container.decode(Int.self, forKey: .quarantined)
        stillAbsent = try container.decodeIfPresent(Int.self, forKey: .stillAbsent) ?? 0
    }
}

/// A batch held by safety thresholds.
public struct BatchHold: Hashable, Sendable, Codable {
    /// Each threshold crossed, in words ("terminations 312 > 5% of 1,000 workers").
    public var reasons: [String]
    public var counts: BatchCounts

    public init(reasons: [String], counts: BatchCounts) {
        self.reasons = reasons
        self.counts = counts
    }
}
