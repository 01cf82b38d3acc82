/// The canonical worker: what Roster knows of one person from the HRIS, whatever the feed's shape.
///
/// Matched by ``id`` only. Names are kept as HR holds them: the legal name, and the preferred
/// name when the person has one (certificates print whichever the rules say).
public struct Worker: Hashable, Sendable, Codable {
    public var id: EmployeeID
    public var email: String?
    public var legalFirstName: String
    public var legalLastName: String
    public var preferredFirstName: String?
    public var preferredLastName: String?
    public var jobTitle: String?
    public var jobCode: String?
    public var departmentCode: String?
    public var departmentName: String?
    /// The location's code in the HRIS (`LON`, `NYC`).
    public var location: String?
    /// An IANA time zone identifier (`Europe/London`), from the location table or the default.
    public var timeZone: String
    public var managerID: EmployeeID?
    public var managerEmail: String?
    public var costCenter: String?
    public var employmentType: EmploymentType
    public var status: WorkerStatus
    public var hireDate: LocalDate?
    public var terminationDate: LocalDate?
    /// Further columns the feed maps by name, kept as text.
    public var custom: [String: String]

    /// True when `date`, as a termination date, can end the employment that began on the hire
    /// date: on or after it, or any date when there is none. An earlier one is a past employment's.
    public func canEnd(on date: LocalDate) -> Bool {
        hireDate.map { !(date < $0) } ?? true
    }

    public init(
        id: EmployeeID,
        email: String? = nil,
        legalFirstName: String,
        legalLastName: String,
        preferredFirstName: String? = nil,
        preferredLastName: String? = nil,
        jobTitle: String? = nil,
        jobCode: String? = nil,
        departmentCode: String? = nil,
        departmentName: String? = nil,
        location: String? = nil,
        timeZone: String = "UTC",
        managerID: EmployeeID? = nil,
        managerEmail: String? = nil,
        costCenter: String? = nil,
        employmentType: EmploymentType = .fullTime,
        status: WorkerStatus = .active,
        hireDate: LocalDate? = nil,
        terminationDate: LocalDate? = nil,
        custom: [String: String] = [:]
    ) {
        self.id = id
        self.email = email
        self.legalFirstName = legalFirstName
        self.legalLastName = legalLastName
        self.preferredFirstName = preferredFirstName
        self.preferredLastName = preferredLastName
        self.jobTitle = jobTitle
        self.jobCode = jobCode
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.location = location
        self.timeZone = timeZone
        self.managerID = managerID
        self.managerEmail = managerEmail
        self.costCenter = costCenter
        self.employmentType = employmentType
        self.status = status
        self.hireDate = hireDate
        self.terminationDate = terminationDate
        self.custom = custom
    }

    enum CodingKeys: String, CodingKey {
        case id = "employee_id"
        case email
        case legalFirstName = "legal_first_name"
        case legalLastName = "legal_last_name"
        case preferredFirstName = "preferred_first_name"
        case preferredLastName = "preferred_last_name"
        case jobTitle = "job_title"
        case jobCode = "job_code"
        case departmentCode = "department_code"
        case departmentName = "department_name"
        case location
        case timeZone = "time_zone"
        case managerID = "manager_id"
        case managerEmail = "manager_email"
        case costCenter = "cost_center"
        case employmentType = "employment_type"
        case status
        case hireDate = "hire_date"
        case terminationDate = "termination_date"
        case custom
    }

    /// The name to show: preferred parts where HR has them, legal ones otherwise.
    public var displayFirstName: String { preferredFirstName ?? legalFirstName }
    public var displayLastName: String { preferredLastName ?? legalLastName }
}

extension Worker {
    /// The record after `event`: the one place a worker event changes a worker's fields (the
    /// workforce state and the LMS projections both fold through it). Events that do not change
    /// the record (absence, conflicts) leave it as it is.
    public mutating func apply(_ event: WorkerEvent) {
        switch event {
        case .hired(let record), .rehired(let record): self = record
        case .changed(let field, _, let new): field.set(new, in: &self)
        case .attributeChanged(let name, _, let new): custom[name] = new
        case .terminated(let date, _):
            status = .terminated
            if let date { terminationDate = date }
        case .converted(_, let to): employmentType = to
        case .emailChanged(_, let new): email = new
        case .nameChanged(_, let new):
            legalFirstName = new.legalFirst
            legalLastName = new.legalLast
            preferredFirstName = new.preferredFirst
            preferredLastName = new.preferredLast
        case .absent, .returned, .emailConflict: break
        }
    }
}
