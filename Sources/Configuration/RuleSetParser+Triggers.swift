import Rules
import Yams

/// `triggers:`: courses assigned when something happens to a worker.
extension RuleSetParser {
    /// A trigger's `on:`, and the keys a trigger of that kind takes.
    enum TriggerKind: String, CaseIterable {
        case hire, change, transfer, conversion, rehire

        static let commonKeys = ["id", "on", "course", "due_days"]

        var keys: [String] {
            switch self {
            case .hire: Self.commonKeys + ["on_rehire"]
            case .change: Self.commonKeys + ["attribute", "matches", "in"]
            case .transfer: Self.commonKeys + ["locations"]
            case .conversion: Self.commonKeys + ["from", "to"]
            case .rehire: Self.commonKeys
            }
        }

        static var allKeys: [String] {
            allCases.flatMap(\.keys).reduce(into: []) { keys, key in if !keys.contains(key) { keys.append(key) } }
        }
    }

    static func trigger(_ node: Node, at key: String, reader: NodeReader, ids: inout [String: String]) throws
        -> AssignmentTrigger
    {
        let entries = try reader.entries(node, at: key)
        let fields = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.value) })
        guard let onNode = fields["on"] else {
            // A misspelt `on` is likelier than a missing one: name it first.
            if let unknown = entries.first(where: { !TriggerKind.allKeys.contains($0.name) }) {
                throw reader.unknownKey(unknown.keyNode, unknown.name, at: key, allowed: TriggerKind.allKeys)
            }
            throw reader.error(
                node, key,
                "a trigger needs `on`: one of \(TriggerKind.allCases.map(\.rawValue).joined(separator: ", ")) "
                    + "(what makes it assign its course)")
        }
        let kind: TriggerKind = try reader.choice(onNode, at: "\(key).on", what: "a trigger event")
        for entry in entries where !kind.keys.contains(entry.name) {
            guard let owner = TriggerKind.allCases.first(where: { $0.keys.contains(entry.name) }) else {
                throw reader.unknownKey(entry.keyNode, entry.name, at: key, allowed: kind.keys)
            }
            throw reader.error(
                entry.keyNode, "\(key).\(entry.name)",
                "`\(entry.name)` belongs to `on: \(owner)` triggers, not `on: \(kind)`; remove it or change `on`. "
                    + "An `on: \(kind)` trigger takes \(kind.keys.joined(separator: ", "))")
        }
        let id = try ruleID(fields, of: node, at: key, reader: reader, ids: &ids)
        guard let courseNode = fields["course"] else {
            throw reader.error(
                node, key, "trigger \"\(id)\" needs a `course`: the LMS code of the course or learning path to assign")
        }
        let course = try reader.text(courseNode, at: "\(key).course")
        let dueDays = try fields["due_days"].map { try reader.integer($0, at: "\(key).due_days") }
        let event = try self.event(kind, fields, of: node, at: key, id: id, reader: reader)
        return AssignmentTrigger(id: id, on: event, course: course, dueDays: dueDays)
    }

    static func event(
        _ kind: TriggerKind, _ fields: [String: Node], of node: Node, at key: String, id: String, reader: NodeReader
    ) throws -> AssignmentTrigger.Event {
        switch kind {
        case .hire:
            let onRehire = try fields["on_rehire"].map {
                try reader.choice($0, at: "\(key).on_rehire", among: ["reassign", "keep"], what: "a rehire choice")
            }
            return .hire(reassignOnRehire: onRehire == "reassign")
        case .change:
            guard let attributeNode = fields["attribute"] else {
                throw reader.error(
                    node, key,
                    "change trigger \"\(id)\" needs an `attribute`: the worker attribute to watch, e.g. job_title")
            }
            let attribute = try self.attribute(attributeNode, at: "\(key).attribute", reader: reader)
            switch (fields["matches"], fields["in"]) {
            case (let patternNode?, nil):
                return .change(
                    WorkerCondition(attribute, .pattern(try pattern(patternNode, at: "\(key).matches", reader: reader)))
                )
            case (nil, let listNode?):
                return .change(
                    WorkerCondition(
                        attribute, .oneOf(try values(listNode, at: "\(key).in", of: attribute, reader: reader))))
            case (_?, let listNode?):
                throw reader.error(
                    listNode, "\(key).in",
                    "change trigger \"\(id)\" has both `matches` and `in`; keep one (a pattern, or a list of values)")
            case (nil, nil):
                throw reader.error(
                    node, key,
                    "change trigger \"\(id)\" needs `matches` (a pattern, e.g. \"manager\") or `in` (a list of values) "
                        + "to say which new values fire it")
            }
        case .transfer:
            guard let locationsNode = fields["locations"] else {
                throw reader.error(
                    node, key, "transfer trigger \"\(id)\" needs `locations`: the location codes that fire it")
            }
            return .transfer(
                locations: try values(locationsNode, at: "\(key).locations", of: .field(.location), reader: reader))
        case .conversion:
            guard let toNode = fields["to"] else {
                throw reader.error(
                    node, key,
                    "conversion trigger \"\(id)\" needs `to`: the employment types a conversion into fires it")
            }
            return .conversion(
                from: try fields["from"].map { try employmentTypes($0, at: "\(key).from", reader: reader) },
                to: try employmentTypes(toNode, at: "\(key).to", reader: reader))
        case .rehire:
            return .rehire
        }
    }
}
