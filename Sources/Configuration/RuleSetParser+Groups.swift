import Rules
import Yams

/// `groups:`: mapping tables from an HR attribute's values to LMS groups.
extension RuleSetParser {
    static func group(_ node: Node, at key: String, reader: NodeReader, ids: inout [String: String]) throws
        -> GroupMapping
    {
        let fields = try reader.mapping(node, at: key, keys: ["id", "attribute", "map", "unmapped", "prefix"])
        let id = try ruleID(fields, of: node, at: key, reader: reader, ids: &ids)
        guard let attributeNode = fields["attribute"] else {
            throw reader.error(
                node, key,
                "group mapping \"\(id)\" needs an `attribute`: the worker attribute whose value picks the group, "
                    + "e.g. `attribute: department_name`")
        }
        let attribute = try self.attribute(attributeNode, at: "\(key).attribute", reader: reader)
        let unmapped: GroupMapping.Unmapped =
            try fields["unmapped"].map {
                try reader.choice($0, at: "\(key).unmapped", what: "a way to treat unmapped values")
            }
            ?? .report

        var table: [String: String] = [:]
        if let mapNode = fields["map"] {
            let entries = try reader.entries(mapNode, at: "\(key).map")
            guard !entries.isEmpty else {
                throw reader.error(
                    mapNode, "\(key).map",
                    "the map is empty; list `HR value: LMS group` pairs, or leave `map` out and set "
                        + "`unmapped: use-value` to name each group after the value")
            }
            // The projection compares values ignoring case and surrounding spaces, so two keys that
            // differ only in those would leave it to chance which group wins.
            var written: [String: String] = [:]
            for entry in entries {
                let entryKey = "\(key).map.\(entry.name)"
                let folded = entry.name.trimmingCharacters(in: .whitespaces).lowercased()
                guard !folded.isEmpty else {
                    throw reader.error(entry.keyNode, entryKey, "an HR value cannot be empty")
                }
                if let earlier = written[folded] {
                    throw reader.error(
                        entry.keyNode, entryKey,
                        "\"\(entry.name)\" and \"\(earlier)\" are the same value "
                            + "(case and surrounding spaces are ignored); keep one")
                }
                written[folded] = entry.name
                if let known = knownValues(of: attribute) {
                    _ = try reader.choice(entry.keyNode, at: entryKey, among: known.names, what: known.what)
                }
                table[entry.name] = try reader.text(entry.value, at: entryKey)
            }
        } else if unmapped == .report {
            throw reader.error(
                node, key,
                "group mapping \"\(id)\" needs a `map` of `HR value: LMS group` pairs, "
                    + "or `unmapped: use-value` to name each group after the value")
        }

        var prefix = ""
        if let prefixNode = fields["prefix"] {
            guard unmapped == .useValue else {
                throw reader.error(
                    prefixNode, "\(key).prefix",
                    "`prefix` only applies to groups named after their value; "
                        + "add `unmapped: use-value` or remove `prefix`")
            }
            prefix = try reader.string(prefixNode, at: "\(key).prefix")
        }
        return GroupMapping(id: id, attribute: attribute, table: table, unmapped: unmapped, prefix: prefix)
    }
}
