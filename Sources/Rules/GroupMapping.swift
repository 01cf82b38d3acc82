import Synchronization
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
    public var attribute: WorkerAttribute { didSet { answers = Answers() } }
    /// HR value (compared case-insensitively, spaces trimmed) to LMS group name.
    public var table: [String: String] { didSet { answers = Answers() } }
    public var unmapped: Unmapped { didSet { answers = Answers() } }
    /// Put before a group named after its value (`use-value`), e.g. `Location: `.
    public var prefix: String { didSet { answers = Answers() } }

    public init(id: String, attribute: WorkerAttribute, table: [String: String], unmapped: Unmapped = .report, prefix: String = "") {
        self.id = id
        self.attribute = attribute
        self.table = Dictionary(table.map { (WorkerCondition.fold($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
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
        if let known = answers.outcome(of: value) { return known }
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

    /// Outcomes already worked out: HR values repeat across a whole workforce.
    private var answers = Answers()

    public static func == (lhs: GroupMapping, rhs: GroupMapping) -> Bool {
        lhs.id == rhs.id && lhs.attribute == rhs.attribute && lhs.table == rhs.table && lhs.unmapped == rhs.unmapped && lhs.prefix == rhs.prefix
    }

    /// A bounded memo of value to outcome, shared by copies of the mapping.
    final class Answers: Sendable {
        private let known = Mutex<[String: Outcome]>([:])

        func outcome(of value: String) -> Outcome? {
            known.withLock { $0[value] }
        }

        func remember(_ outcome: Outcome, for value: String) {
            known.withLock { known in
                if known.count >= 100_000 { known.removeAll(keepingCapacity: true) }
                known[value] = outcome
            }
        }
    }
}

extension GroupMapping: CustomStringConvertible {
    /// The rule in words, as `roster why` shows it.
    public var description: String {
        "\(id): \(attribute) mapped to groups by a table of \(table.count) values"
            + (unmapped == .useValue ? ", other values used as group names" : ", other values reported as unmapped")
    }
}
