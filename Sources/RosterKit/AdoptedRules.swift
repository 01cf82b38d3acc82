import Configuration
import Foundation
import Journal
import Rules
import Synchronization
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
            return AdoptedRules(rules: try parsed(adoption, at: event.position), adoption: adoption, position: event.position, recordedAt: event.recordedAt)
        }
    }

    /// Rule sets read from adopted texts, by their text: the rules in force are asked for at
    /// every request and delivery step, and reading every adopted text again each time took a
    /// YAML parse per adoption.
    private static let read = Mutex<[String: RuleSet]>([:])

    /// The rule set of `adoption`, journaled at `position`.
    static func parsed(_ adoption: RulesAdoption, at position: JournalPosition) throws -> RuleSet {
        if let known = read.withLock({ $0[adoption.text] }) { return known }
        let rules = try RuleSetParser.parse(adoption.text, path: "rules adopted at journal position \(position)")
        read.withLock { $0[adoption.text] = rules }
        return rules
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
