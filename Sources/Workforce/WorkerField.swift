/// A field of ``Worker`` that a `worker.changed.v1` event can name, by its wire name.
///
/// Fields with events of their own are not here: status (hired, terminated, rehired),
/// employment type (converted), email (email changed) and names (name changed).
public enum WorkerField: String, Sendable, Codable, CaseIterable {
    case jobTitle = "job_title"
    case jobCode = "job_code"
    case departmentCode = "department_code"
    case departmentName = "department_name"
    case location
    case timeZone = "time_zone"
    case managerID = "manager_id"
    case managerEmail = "manager_email"
    case costCenter = "cost_center"
    case hireDate = "hire_date"
    case terminationDate = "termination_date"
    /// A leave of absence starting or ending: active ⇄ on leave, or pending ⇄ active.
    case status

    /// True when the field's values repeat across a workforce (a title, a department, a zone, a
    /// manager for each of their reports), false for dates.
    public var repeats: Bool {
        switch self {
        case .jobTitle, .jobCode, .departmentCode, .departmentName, .location, .timeZone, .managerID, .managerEmail, .costCenter, .status: true
        case .hireDate, .terminationDate: false
        }
    }

    /// The field's value in `worker`, as text (nil when empty).
    public func value(in worker: Worker) -> String? {
        switch self {
        case .jobTitle: worker.jobTitle
        case .jobCode: worker.jobCode
        case .departmentCode: worker.departmentCode
        case .departmentName: worker.departmentName
        case .location: worker.location
        case .timeZone: worker.timeZone
        case .managerID: worker.managerID?.rawValue
        case .managerEmail: worker.managerEmail
        case .costCenter: worker.costCenter
        case .hireDate: worker.hireDate?.description
        case .terminationDate: worker.terminationDate?.description
        case .status: worker.status.rawValue
        }
    }

    /// True when `a` and `b` hold the same value in this field; compares without making text.
    public func isEqual(_ a: Worker, _ b: Worker) -> Bool {
        switch self {
        case .jobTitle: a.jobTitle == b.jobTitle
        case .jobCode: a.jobCode == b.jobCode
        case .departmentCode: a.departmentCode == b.departmentCode
        case .departmentName: a.departmentName == b.departmentName
        case .location: a.location == b.location
        case .timeZone: a.timeZone == b.timeZone
        case .managerID: a.managerID == b.managerID
        case .managerEmail: a.managerEmail == b.managerEmail
        case .costCenter: a.costCenter == b.costCenter
        case .hireDate: a.hireDate == b.hireDate
        case .terminationDate: a.terminationDate == b.terminationDate
        case .status: a.status == b.status
        }
    }

    /// Sets the field in `worker` from its text form; false when the text is not a valid value.
    @discardableResult
    public func set(_ value: String?, in worker: inout Worker) -> Bool {
        switch self {
        case .jobTitle: worker.jobTitle = value
        case .jobCode: worker.jobCode = value
        case .departmentCode: worker.departmentCode = value
        case .departmentName: worker.departmentName = value
        case .location: worker.location = value
        case .timeZone:
            guard let value else { return false }
            worker.timeZone = value
        case .managerID: worker.managerID = value.map(EmployeeID.init(rawValue:))
        case .managerEmail: worker.managerEmail = value
        case .costCenter: worker.costCenter = value
        case .hireDate:
            guard let value else {
                worker.hireDate = nil
                return true
            }
            guard let date = LocalDate.parse(value, format: .iso) else { return false }
            worker.hireDate = date
        case .terminationDate:
            guard let value else {
                worker.terminationDate = nil
                return true
            }
            guard let date = LocalDate.parse(value, format: .iso) else { return false }
            worker.terminationDate = date
        case .status:
            guard let value, let status = WorkerStatus(rawValue: value) else { return false }
            worker.status = status
        }
        return true
    }
}

extension WorkerField: WireNamed {
    static let wireNames = WireNames<WorkerField>()
}
