import Configuration
import Foundation
import Journal
import Rules
import Workforce

/// A rule set as the journal records its adoption.
public struct AdoptedRules: Sendable {
    public var rules: RuleSet
    public var adoption: RulesAdoption
    public var position: JournalPosition
    public var recordedAt: Timestamp
}

/// The rule sets adopted over time: which one is in force, and adopting another.
public enum RuleBook {
    /// Every adoption in `journal`, oldest first.
    public static func adoptions(in journal: Journal) throws -> [AdoptedRules] {
        try journal.read { try $0.events(forSubject: AdminEvent.rulesSubject) }.compactMap { event in
            guard case .rulesAdopted(let adoption) = try AdminEvent.decode(type: event.type, payload: event.payload) else { return nil }
            let rules = try RuleSetParser.parse(adoption.text, path: "rules adopted at journal position \(event.position)")
            return AdoptedRules(rules: rules, adoption: adoption, position: event.position, recordedAt: event.recordedAt)
        }
    }

    /// The rule set in force at `instant` (the latest when nil).
    public static func inForce(in journal: Journal, at instant: Timestamp? = nil) throws -> AdoptedRules? {
        try adoptions(in: journal).last { instant == nil || $0.recordedAt <= instant! }
    }

    /// Journals the adoption of `rules`, read from `source`, by `person`; nothing when they are
    /// already in force.
    @available(*, noasync, message: "adopting appends to the journal synchronously")
    @discardableResult
    public static func adopt(_ rules: RuleSet, source: String, by person: String, in journal: Journal) throws -> AdoptedRules {
        if let current = try inForce(in: journal), current.rules.version == rules.version { return current }
        let adoption = RulesAdoption(version: rules.version, text: rules.text, source: source, adoptedBy: person)
        let event = AdminEvent.rulesAdopted(adoption)
        let appended = try journal.append(
            [ProposedEvent(subject: AdminEvent.rulesSubject, type: event.type, payload: try event.payload(), metadata: EventMetadata(source: "rules", origin: source))])
        return AdoptedRules(rules: rules, adoption: adoption, position: appended.last, recordedAt: appended.recordedAt)
    }
}
