import Workforce

/// A mapping table from an HR code to an LMS group: department "Information Technology" to
/// group "IT Dept", location "LON" to "London". A code the table does not list is reported as
/// unmapped (never dropped silently), unless the table says to use the code as the group's name.
public struct GroupMapping: Sendable, Equatable {
    /// What to do with a value the table does not list.
    public enum Unmapped: String, Sendable, Equatable, CaseIterable {
        /// No group; the worker and the value are listed as unmapped.
        case report
        /// A group named after the value itself (with the mapping's prefix).
        case useValue = "use-value"
    }

    /// The rule's id, named by every membership it makes.
    public var id: String
    public var attribute: WorkerAttribute { didSet { answers = Memo() } }
    /// HR value (compared case-insensitively, spaces trimmed) to LMS group name.
    public let table: [String: String]
    /// The table's HR values as the rules wrote them, in order (``table`` keeps them folded), for messages.
    public let writtenKeys: [String]
    public var unmapped: Unmapped { didSet { answers = Memo() } }
    /// Put before a group named after its value (`use-value`), e.g. `Location: `.
    public var prefix: String { didSet { answers = Memo() } }

    public init(id: String, attribute: WorkerAttribute, table: [String: String], unmapped: Unmapped = .report, prefix: String = "") {
        self.id = id
        self.attribute = attribute
        self.table = Dictionary(table.map { (WorkerCondition.fold($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        writtenKeys = table.keys.sorted()
        self.unmapped = unmapped
        self.prefix = prefix
    }

    /// What the table makes of `worker`.
    public enum Outcome: Sendable, Equatable {
        case group(String)
        /// The worker has a value the table does not list.
        case unmapped(String)
        /// The worker has no value for the attribute: no group, nothing to report.
        case none
    }

    public func outcome(for worker: Worker) -> Outcome {
        guard let value = attribute.value(in: worker), !value.isEmpty else { return .none }
        // Asked without a closure: one capturing `self` copied the whole mapping (its table and
        // strings retained) at every question, though the answer was almost always known.
        if let known = answers.known(value) { return known }
        let outcome: Outcome
        if let group = table[WorkerCondition.fold(value)] {
            outcome = .group(group)
        } else {
            switch unmapped {
            case .report: outcome = .unmapped(value)
            case .useValue: outcome = .group(prefix + value)
            }
        }
        answers.remember(outcome, for: value)
        return outcome
    }

    /// Outcomes already worked out, shared by copies of the mapping; made anew when it changes.
    private var answers = Memo<Outcome>()

    public static func == (lhs: GroupMapping, rhs: GroupMapping) -> Bool {
        lhs.id == rhs.id && lhs.attribute == rhs.attribute && lhs.table == rhs.table && lhs.unmapped == rhs.unmapped && lhs.prefix == rhs.prefix
    }
}

extension GroupMapping: CustomStringConvertible {
    /// The rule in words, as `roster why` shows it.
    public var description: String {
        "\(id): \(attribute) mapped to groups by a table of \(table.count) values"
            + (unmapped == .useValue ? ", other values used as group names" : ", other values reported as unmapped")
    }
}
