/// A field of the canonical worker that a feed's column can supply.
public enum CanonicalColumn: String, Sendable, CaseIterable, Codable {
    case employeeID = "employee_id"
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
    case managerID = "manager_id"
    case managerEmail = "manager_email"
    case costCenter = "cost_center"
    case employmentType = "employment_type"
    case status
    case hireDate = "hire_date"
    case terminationDate = "termination_date"

    /// Columns every feed must have: without them a row cannot become a worker.
    public static let required: [CanonicalColumn] = [.employeeID, .legalFirstName, .legalLastName, .status]
}
