import Workforce

/// A worker's attribute that a rule reads, by the name rules files use for it: a field
/// (`job_title`, `location`, `department_name`...), `employment_type`, `status`, or a custom
/// attribute (`custom.union_member`).
public enum WorkerAttribute: Hashable, Sendable, CustomStringConvertible {
    case field(WorkerField)
    case employmentType
    case custom(String)

    /// The attribute a rules file names `name`, or nil when there is none.
    public init?(name: String) {
        if name == "employment_type" {
            self = .employmentType
        } else if name.hasPrefix("custom."), name.count > "custom.".count {
            self = .custom(String(name.dropFirst("custom.".count)))
        } else if let field = WorkerField(rawValue: name) {
            self = .field(field)
        } else {
            return nil
        }
    }

    /// Every name a rules file may use, for error messages.
    public static var names: [String] {
        WorkerField.allCases.map(\.rawValue) + ["employment_type", "custom.NAME"]
    }

    public var description: String {
        switch self {
        case .field(let field): field.rawValue
        case .employmentType: "employment_type"
        case .custom(let name): "custom.\(name)"
        }
    }

    /// The attribute's value in `worker`, as text; nil when HR left it empty.
    public func value(in worker: Worker) -> String? {
        switch self {
        case .field(let field): field.value(in: worker)
        case .employmentType: worker.employmentType.rawValue
        case .custom(let name): worker.custom[name]
        }
    }
}
