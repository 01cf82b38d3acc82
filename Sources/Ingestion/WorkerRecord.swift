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
        func take<T>(_ column: CanonicalColumn, _ value: T, into keyPath: WritableKeyPath<Worker, T>) {
            if provided.contains(column) { worker[keyPath: keyPath] = value }
        }
        take(.email, email, into: \.email)
        if provided.contains(.legalFirstName), let legalFirstName { worker.legalFirstName = legalFirstName }
        if provided.contains(.legalLastName), let legalLastName { worker.legalLastName = legalLastName }
        take(.preferredFirstName, preferredFirstName, into: \.preferredFirstName)
        take(.preferredLastName, preferredLastName, into: \.preferredLastName)
        take(.jobTitle, jobTitle, into: \.jobTitle)
        take(.jobCode, jobCode, into: \.jobCode)
        take(.departmentCode, departmentCode, into: \.departmentCode)
        take(.departmentName, departmentName, into: \.departmentName)
        take(.location, location, into: \.location)
        take(.managerID, managerID, into: \.managerID)
        take(.managerEmail, managerEmail, into: \.managerEmail)
        take(.costCenter, costCenter, into: \.costCenter)
        if provided.contains(.employmentType), let employmentType { worker.employmentType = employmentType }
        if provided.contains(.status), let status { worker.status = status }
        take(.hireDate, hireDate, into: \.hireDate)
        take(.terminationDate, terminationDate, into: \.terminationDate)
        if provided.contains(.location) || current == nil { worker.timeZone = timeZone }
        for (name, value) in custom { worker.custom[name] = value }
        return worker
    }
}
