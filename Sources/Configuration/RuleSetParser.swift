import Digest
import Foundation
import Rules
import Yams

/// Reads a rules file (`docs/rules.md`) into a ``Rules/RuleSet``, checking every key and value.
///
/// ```yaml
/// names: preferred              # or legal
/// user_name: email              # or employee_id
/// pre_start_days: 0
/// new_hire_window_days: 30      # or never
/// scope:
///   include: { employment_type: [full_time, part_time] }
///   exclude: { department_name: [Board], custom.union_member: { matches: "^y" } }
/// groups:
///   - { id: departments, attribute: department_name, map: { Finance: Finance Team } }
/// triggers:
///   - { id: onboarding, on: hire, course: Onboarding_Path, due_days: 14 }
/// absence: { snapshots: 3, days: 14 }   # or never
/// ```
/// Mistakes are ``ConfigurationError``s naming the file, line, column and key
/// (`triggers[2].course`); unknown keys are refused with the allowed ones and a suggestion.
public enum RuleSetParser {
    /// Reads and checks the rules file at `path`.
    public static func load(path: String) throws -> RuleSet {
        try parse(
            try ConfigurationError.text(
                of: path, unreadable: "cannot read the rules file; check that the path is right and the file readable",
                notUTF8: "the rules file is not UTF-8 text; save it as UTF-8"),
            path: path)
    }

    /// Parses rules `text` read from `path` (for error messages). The rule set's version is the
    /// SHA-256 of the text's UTF-8 bytes, in lower-case hex.
    public static func parse(_ text: String, path: String) throws -> RuleSet {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(
                    file: path,
                    "the rules file is empty; an empty rule set would give everyone an LMS user with no groups "
                        + "and no courses. Write `{}` if that is what you mean, or see docs/rules.md")
            }
            root = node
        } catch let error as YamlError {
            throw ConfigurationError(file: path, "not valid YAML: \(error)")
        }
        return try ruleSet(root, text: text, reader: NodeReader(file: path))
    }

    /// The `rules` key of roster.yml: the path of a rules file (relative to `base`, roster.yml's
    /// folder), or the rules themselves as a mapping. Returns the rules and the file's absolute path.
    /// The rules file `node` names, absolute; nil for inline rules.
    static func path(_ node: Node, base: URL) -> String? {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { return nil }
        return scalar.string.hasPrefix("/") ? scalar.string : base.appendingPathComponent(scalar.string).standardizedFileURL.path
    }

    static func configured(_ node: Node, reader: NodeReader, base: URL) throws -> (rules: RuleSet, path: String?) {
        switch node {
        case .scalar(let scalar):
            guard scalar.style != .plain || node.null == nil else {
                throw reader.error(
                    node, "rules",
                    "`rules` is empty; give the path of a rules file, or write `rules: {}` if you mean "
                        + "an empty rule set (everyone in scope, no groups, no courses)")
            }
            _ = try reader.text(node, at: "rules")
            let path = path(node, base: base)!
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw reader.error(
                    node, "rules",
                    "cannot read the rules file \(path); a relative path is relative to this file's folder")
            }
            return (try load(path: path), path)
        case .mapping:
            // The journal keeps the rules' text; for inline rules that is the mapping on its own.
            let text: String
            do {
                text = try Yams.serialize(node: node)
            } catch {
                throw reader.error(
                    node, "rules", "cannot write the inline rules out as text (\(error)); move them to a rules file")
            }
            var inline = reader
            inline.keyPrefix = "rules"
            return (try ruleSet(node, text: text, reader: inline), nil)
        case .sequence:
            throw reader.error(
                node, "rules", "expected the path of a rules file, or the rules as a mapping; see docs/rules.md")
        }
    }

    static func ruleSet(_ root: Node, text: String, reader: NodeReader) throws -> RuleSet {
        let fields = try reader.mapping(
            root, at: "", keys: ["names", "user_name", "pre_start_days", "new_hire_window_days", "scope", "groups", "triggers", "absence"])
        var rules = RuleSet(version: SHA256.hash(Array(text.utf8)).hex, text: text)
        if let node = fields["names"] {
            rules.names = try reader.choice(node, at: "names", what: "a name policy")
        }
        if let node = fields["user_name"] {
            rules.userName = try reader.choice(node, at: "user_name", what: "a user name policy")
        }
        if let node = fields["pre_start_days"] {
            rules.preStartDays = try reader.integer(node, at: "pre_start_days")
        }
        if let node = fields["new_hire_window_days"] {
            rules.newHireWindowDays = try absenceLimit(node, at: "new_hire_window_days", unit: "days", reader: reader)
        }
        if let node = fields["scope"] {
            rules.scope = try scope(node, reader: reader)
        }
        // Ids are unique across groups and triggers: memberships and assignments name their rule.
        var ids: [String: String] = [:]
        if let node = fields["groups"] {
            for (index, group) in try sequence(node, at: "groups", reader: reader).enumerated() {
                rules.groups.append(try self.group(group, at: "groups[\(index)]", reader: reader, ids: &ids))
            }
        }
        if let node = fields["triggers"] {
            for (index, trigger) in try sequence(node, at: "triggers", reader: reader).enumerated() {
                rules.triggers.append(try self.trigger(trigger, at: "triggers[\(index)]", reader: reader, ids: &ids))
            }
        }
        if let node = fields["absence"] {
            let limits = try reader.mapping(node, at: "absence", keys: ["snapshots", "days"])
            if let snapshots = limits["snapshots"] {
                rules.absence.snapshots = try absenceLimit(
                    snapshots, at: "absence.snapshots", unit: "snapshots", reader: reader)
            }
            if let days = limits["days"] {
                rules.absence.days = try absenceLimit(days, at: "absence.days", unit: "days", reader: reader)
            }
        }
        return rules
    }

    /// A list of rules (`groups`, `triggers`).
    static func sequence(_ node: Node, at key: String, reader: NodeReader) throws -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw reader.error(node, key, "expected a list, each entry starting with `- id: ...`")
        }
        return Array(sequence)
    }

    /// A rule's `id`: present, well formed, and not used by an earlier rule (`ids` maps the ids
    /// seen so far to where).
    static func ruleID(
        _ fields: [String: Node], of node: Node, at key: String, reader: NodeReader, ids: inout [String: String]
    ) throws -> String {
        guard let idNode = fields["id"] else {
            throw reader.error(node, key, "every group mapping and trigger needs an `id`, e.g. `id: onboarding`")
        }
        let id = try reader.text(idNode, at: "\(key).id")
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw reader.error(
                idNode, "\(key).id", "\"\(id)\" is not a valid id; an id is letters, digits, '-', '_' and '.'")
        }
        if let earlier = ids[id] {
            throw reader.error(
                idNode, "\(key).id",
                "the id \"\(id)\" is already used by \(reader.path(earlier)); give every group mapping and trigger "
                    + "its own id, as each membership and assignment names the rule that made it")
        }
        ids[id] = key
        return id
    }

    /// `absence.snapshots`, `absence.days` or `new_hire_window_days`: a whole number from 1, or
    /// `never` (nil).
    static func absenceLimit(_ node: Node, at key: String, unit: String, reader: NodeReader) throws -> Int? {
        guard case .scalar(let scalar) = node, scalar.string == "never" || (Int(scalar.string) ?? 0) >= 1 else {
            throw reader.error(node, key, "expected a whole number of \(unit), 1 or more, or `never`")
        }
        return Int(scalar.string)
    }
}
