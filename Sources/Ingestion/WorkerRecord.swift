import Workforce

/// One row of a feed, read into canonical fields. A field is nil when its column is missing
/// from the file or its cell is empty; ``provided`` tells which columns the file has, so a
/// delta row changes only what it carries.
public struct WorkerRecord: Sendable, Equatable {
    public var line: Int
    public var id: EmployeeID
    public var provided: Set<CanonicalColumn>
    public var email: String?
    public var legalFirstName: String?
    public var legalLastName: String?
    public var preferredFirstName: String?
    public var preferredLastName: String?
    public var jobTitle: String?
    public var jobCode: String?
    public var departmentCode: String?
    public var departmentName: String?
    public var location: String?
    public var managerID: EmployeeID?
    public var managerEmail: String?
    public var costCenter: String?
    public var employmentType: EmploymentType?
    public var status: WorkerStatus?
    public var hireDate: LocalDate?
    public var terminationDate: LocalDate?
    public var timeZone: String
    public var custom: [String: String]

    /// The worker this row describes, starting from `current` (its known state) when there is one:
    /// columns the file lacks keep their current values.
    public func worker(updating current: Worker?) -> Worker {
        var worker = current ?? Worker(id: id, legalFirstName: "", legalLastName: "")
        // Plain assignments: key paths cost more than the rest of the diff for a changed row.
        let provided = self.provided
        if provided.contains(.email) { worker.email = email }
        if provided.contains(.legalFirstName), let legalFirstName { worker.legalFirstName = legalFirstName }
        if provided.contains(.legalLastName), let legalLastName { worker.legalLastName = legalLastName }
        if provided.contains(.preferredFirstName) { worker.preferredFirstName = preferredFirstName }
        if provided.contains(.preferredLastName) { worker.preferredLastName = preferredLastName }
        if provided.contains(.jobTitle) { worker.jobTitle = jobTitle }
        if provided.contains(.jobCode) { worker.jobCode = jobCode }
        if provided.contains(.departmentCode) { worker.departmentCode = departmentCode }
        if provided.contains(.departmentName) { worker.departmentName = departmentName }
        if provided.contains(.location) { worker.location = location }
        if provided.contains(.managerID) { worker.managerID = managerID }
        if provided.contains(.managerEmail) { worker.managerEmail = managerEmail }
        if provided.contains(.costCenter) { worker.costCenter = costCenter }
        if provided.contains(.employmentType), let employmentType { worker.employmentType = employmentType }
        if provided.contains(.status), let status { worker.status = status }
        if provided.contains(.hireDate) { worker.hireDate = hireDate }
        if provided.contains(.terminationDate) { worker.terminationDate = terminationDate }
        if provided.contains(.location) || current == nil { worker.timeZone = timeZone }
        for (name, value) in custom { worker.custom[name] = value }
        return worker
    }
}
