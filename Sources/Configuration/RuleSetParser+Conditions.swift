import Rules
import Workforce
import Yams

/// Scope, and the attributes, value lists and patterns that scope, groups and triggers share.
extension RuleSetParser {
    static func scope(_ node: Node, reader: NodeReader) throws -> Scope {
        let parts = try reader.mapping(node, at: "scope", keys: ["include", "exclude"])
        return Scope(
            include: try parts["include"].map { try conditions($0, at: "scope.include", reader: reader) } ?? [],
            exclude: try parts["exclude"].map { try conditions($0, at: "scope.exclude", reader: reader) } ?? [])
    }

    /// `attribute: value`, `attribute: [values]` or `attribute: { matches: pattern }`, in the order written.
    static func conditions(_ node: Node, at key: String, reader: NodeReader) throws -> [WorkerCondition] {
        try reader.entries(node, at: key).map { entry in
            let entryKey = "\(key).\(entry.name)"
            let attribute = try self.attribute(named: entry.name, keyNode: entry.keyNode, at: entryKey, reader: reader)
            if case .mapping = entry.value {
                let fields = try reader.mapping(entry.value, at: entryKey, keys: ["matches"])
                guard let patternNode = fields["matches"] else {
                    throw reader.error(
                        entry.value, entryKey, "expected `{ matches: PATTERN }`, a value, or a list of values")
                }
                return WorkerCondition(
                    attribute, .pattern(try pattern(patternNode, at: "\(entryKey).matches", reader: reader)))
            }
            return WorkerCondition(
                attribute, .oneOf(try values(entry.value, at: entryKey, of: attribute, reader: reader)))
        }
    }

    /// The worker attribute a rule names (`department_name`, `employment_type`, `custom.union_member`).
    static func attribute(named name: String, keyNode: Node, at key: String, reader: NodeReader) throws
        -> WorkerAttribute
    {
        guard let attribute = WorkerAttribute(name: name) else {
            let names = WorkerAttribute.names
            let hint = NodeReader.suggestion(for: name, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw reader.error(
                keyNode, key,
                "\"\(name)\" is not a worker attribute\(hint); use one of \(names.joined(separator: ", ")) "
                    + "(custom.NAME reads a feed's custom column NAME)")
        }
        return attribute
    }

    /// An `attribute:` value.
    static func attribute(_ node: Node, at key: String, reader: NodeReader) throws -> WorkerAttribute {
        try attribute(named: try reader.text(node, at: key), keyNode: node, at: key, reader: reader)
    }

    /// A non-empty list of values (a single value is a list of one). For `employment_type` and
    /// `status` each value must be one Roster knows, or the rule could never match.
    static func values(_ node: Node, at key: String, of attribute: WorkerAttribute?, reader: NodeReader) throws
        -> [String]
    {
        let items: [(node: Node, key: String)]
        switch node {
        case .scalar: items = [(node, key)]
        case .sequence(let sequence): items = sequence.enumerated().map { ($1, "\(key)[\($0)]") }
        case .mapping: throw reader.error(node, key, "expected a value or a list of values")
        }
        guard !items.isEmpty else {
            throw reader.error(node, key, "the list is empty, so it matches nobody; give at least one value")
        }
        let known = knownValues(of: attribute)
        return try items.map { item in
            if let known {
                return try reader.choice(item.node, at: item.key, among: known.names, what: known.what)
            }
            return try reader.text(item.node, at: item.key)
        }
    }

    /// The values `employment_type` and `status` can take (Roster's own codes, which feeds map
    /// HR's codes to), and what to call one; nil for attributes whose values are HR's free text.
    static func knownValues(of attribute: WorkerAttribute?) -> (names: [String], what: String)? {
        switch attribute {
        case .employmentType: (EmploymentType.allCases.map(\.rawValue), "an employment type")
        case .field(.status): (WorkerStatus.allCases.map(\.rawValue), "a worker status")
        default: nil
        }
    }

    /// The employment types a conversion trigger names.
    static func employmentTypes(_ node: Node, at key: String, reader: NodeReader) throws -> [EmploymentType] {
        try values(node, at: key, of: .employmentType, reader: reader).map { EmploymentType(rawValue: $0)! }
    }

    /// A `matches:` pattern: a regular expression, found anywhere in the value, ignoring case.
    static func pattern(_ node: Node, at key: String, reader: NodeReader) throws -> ValuePattern {
        let source = try reader.text(node, at: key)
        do {
            return try ValuePattern(source)
        } catch {
            // NSRegularExpression says only that the pattern is invalid; Swift's own parser says why.
            let reason: String
            do {
                _ = try Regex(source)
                reason = "it is not a pattern the ICU regular expression engine accepts"
            } catch {
                reason = "\(error)"
            }
            throw reader.error(
                node, key,
                "\"\(source)\" is not a valid regular expression: \(reason). "
                    + "Put a backslash before ( ) [ ] { } . * + ? | ^ $ to match that character itself")
        }
    }
}
