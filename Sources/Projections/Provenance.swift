import Journal

/// Why an LMS fact holds: the rule that derived it, the rule set's version, the journal event
/// that caused it, and the moment it took effect.
public struct Provenance: Sendable, Hashable {
    /// The rule's id: a mapping or trigger id from the rules file, or one of the built-in
    /// policies (`hire`, `termination`, `scope`, `absence`, `rehire`, `restore`).
    public var rule: String
    /// The version (SHA-256) of the rule set in force.
    public var ruleSet: String
    /// The journal event that caused it.
    public var cause: JournalPosition
    /// When it took effect: the event's moment, or a timer's due time.
    public var at: Timestamp

    public init(rule: String, ruleSet: String, cause: JournalPosition, at: Timestamp) {
        self.rule = rule
        self.ruleSet = ruleSet
        self.cause = cause
        self.at = at
    }
}
