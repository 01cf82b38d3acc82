import Foundation
import Journal

/// A time-driven effect whose moment came: journaled by `roster tick` (and the daemon's
/// scheduler) so the history shows when it fired. Subject: the employee ID.
///
/// Projections do not wait for these: they fire their own timers as the journal's time passes.
/// A fired event also moves a projection's clock to `now`, which is how `roster tick --now`
/// makes a chosen instant take effect.
public enum ScheduleEvent: Sendable, Equatable {
    case fired(ScheduledEffect)

    public var type: EventType { "schedule.fired.v1" }

    public func payload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch self {
        case .fired(let effect): return Array(try encoder.encode(effect))
        }
    }

    /// Decodes a recorded event; nil when `type` is not a schedule event.
    public static func decode(type: EventType, payload: [UInt8]) throws -> ScheduleEvent? {
        guard type.rawValue == "schedule.fired.v1" else { return nil }
        return .fired(try JSONDecoder().decode(ScheduledEffect.self, from: Data(payload)))
    }
}

/// One effect that was due.
public struct ScheduledEffect: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A new (or rehired) worker's first day came: the LMS user is activated.
        case activate
        /// A termination took effect: the LMS user is deactivated.
        case deactivate
        /// An absence's grace period ended: the LMS user is archived.
        case archive
    }

    public var kind: Kind
    /// The moment the effect was due.
    public var dueAt: Timestamp
    /// The instant the scheduler acted for (its clock), at or after `dueAt`.
    public var now: Timestamp
    /// The rule that set the moment, and the version of the rule set in force.
    public var rule: String
    public var ruleSet: String

    public init(kind: Kind, dueAt: Timestamp, now: Timestamp, rule: String, ruleSet: String) {
        self.kind = kind
        self.dueAt = dueAt
        self.now = now
        self.rule = rule
        self.ruleSet = ruleSet
    }

    enum CodingKeys: String, CodingKey {
        case kind, now, rule
        case dueAt = "due_at"
        case ruleSet = "rule_set"
    }
}
