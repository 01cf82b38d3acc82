import Workforce

extension RuleSet {
    /// What the rules name that no worker in `workers` has: a custom attribute no feed fills, a
    /// scope value or a mapping table's key nobody holds, a transfer trigger's location nobody is
    /// at. Each may be meant (an office opening next month), or a typo that silently never
    /// matches; `roster rebuild --plan` shows them, one line a rule, so a person decides.
    ///
    /// A change trigger's value is not checked: its point is a value nobody holds yet (the title
    /// of a promotion). Employment types are checked when the rules are read.
    public func namedButHeldByNoOne(in workers: [Worker]) -> [String] {
        namedButHeldByNoOne { attribute in Set(workers.compactMap { attribute.value(in: $0) }) }
    }

    /// ``namedButHeldByNoOne(in:)`` from the distinct values the workers hold of each attribute
    /// (`held`), so a caller holding a hundred thousand workers need not copy them.
    public func namedButHeldByNoOne(held distinct: (WorkerAttribute) -> Set<String>) -> [String] {
        var held: [WorkerAttribute: Set<String>] = [:]
        func values(of attribute: WorkerAttribute) -> Set<String> {
            if let known = held[attribute] { return known }
            // Each distinct value folded once: a hundred thousand workers hold a few dozen.
            let values = Set(distinct(attribute).map(WorkerCondition.fold))
            held[attribute] = values
            return values
        }
        var findings: [String] = []
        /// A custom attribute no worker has: nothing can match it. True when so (reported).
        func unfilled(_ attribute: WorkerAttribute, at key: String) -> Bool {
            guard case .custom = attribute, values(of: attribute).isEmpty else { return false }
            findings.append("\(key): no worker has \(attribute); check the feeds' custom_columns")
            return true
        }
        func report(_ names: [String], of attribute: WorkerAttribute, at key: String) {
            let present = values(of: attribute)
            let missing = names.filter { !present.contains(WorkerCondition.fold($0)) }.sorted()
            guard !missing.isEmpty else { return }
            let shown = missing.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ") + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
            findings.append("\(key): no worker has \(attribute) \(shown)")
        }
        for (name, conditions) in [("include", scope.include), ("exclude", scope.exclude)] {
            for (index, condition) in conditions.enumerated() where !unfilled(condition.attribute, at: "scope.\(name)[\(index)]") {
                guard condition.attribute != .employmentType, case .oneOf(let names) = condition.matcher else { continue }
                report(names, of: condition.attribute, at: "scope.\(name)[\(index)]")
            }
        }
        for mapping in groups where !unfilled(mapping.attribute, at: "groups[\(mapping.id)]") {
            report(mapping.writtenKeys, of: mapping.attribute, at: "groups[\(mapping.id)].map")
        }
        for trigger in triggers {
            switch trigger.event {
            case .change(let condition):
                _ = unfilled(condition.attribute, at: "triggers[\(trigger.id)]")
            case .transfer(let locations):
                report(locations, of: .field(.location), at: "triggers[\(trigger.id)].locations")
            case .hire, .rehire, .conversion:
                break
            }
        }
        return findings
    }
}
