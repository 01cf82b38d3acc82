import Workforce

/// The column names and value codes of one HRIS's CSV export, so a feed needs only the
/// differences of its tenant. See docs/feeds.md for each preset and where its names come from.
public struct FeedPreset: Sendable {
    /// The preset's name in `roster.yml`.
    public let name: String
    /// For each canonical column, the header names that mean it, most usual first. Headers
    /// match ignoring case, surrounding spaces, and the difference between space, `_` and `-`.
    public let columns: [CanonicalColumn: [String]]
    /// Status codes as the export writes them (matched ignoring case and spaces).
    public let statusCodes: [String: WorkerStatus]
    /// Employment-type codes as the export writes them.
    public let employmentTypeCodes: [String: EmploymentType]
    /// Values the employment-type column may hold that say nothing about it (BambooHR writes
    /// "Terminated" there): the worker keeps the type it had.
    public let notEmploymentTypes: Set<String>
    /// How the export writes dates.
    public let dateFormat: DateFormat

    public init(
        name: String,
        columns: [CanonicalColumn: [String]],
        statusCodes: [String: WorkerStatus],
        employmentTypeCodes: [String: EmploymentType],
        notEmploymentTypes: Set<String> = [],
        dateFormat: DateFormat
    ) {
        self.name = name
        self.columns = columns
        self.statusCodes = statusCodes
        self.employmentTypeCodes = employmentTypeCodes
        self.notEmploymentTypes = notEmploymentTypes
        self.dateFormat = dateFormat
    }

    /// Every preset, by name.
    public static let all: [String: FeedPreset] = Dictionary(
        uniqueKeysWithValues: [generic, bamboohr, workday, adp, successfactors, ukg].map { ($0.name, $0) })

    static let commonStatus: [String: WorkerStatus] = [
        "active": .active, "on leave": .onLeave, "leave": .onLeave, "leave of absence": .onLeave, "terminated": .terminated,
        "inactive": .terminated, "pending": .pending, "pre-hire": .pending, "prehire": .pending,
    ]

    static let commonEmploymentTypes: [String: EmploymentType] = [
        "full time": .fullTime, "full-time": .fullTime, "fulltime": .fullTime, "full_time": .fullTime, "ft": .fullTime,
        "part time": .partTime, "part-time": .partTime, "parttime": .partTime, "part_time": .partTime, "pt": .partTime,
        "contractor": .contractor, "contract": .contractor, "contingent worker": .contractor, "consultant": .contractor,
        "intern": .intern, "internship": .intern, "temporary": .temporary, "temp": .temporary, "seasonal": .temporary,
    ]

    /// Canonical names: `employee_id`, `email`, `legal_first_name`, ... as in docs/feeds.md.
    public static let generic = FeedPreset(
        name: "generic",
        columns: [
            .employeeID: ["employee_id", "employee id", "employee number", "id"],
            .email: ["email", "work email"],
            .legalFirstName: ["legal_first_name", "first name"],
            .legalLastName: ["legal_last_name", "last name"],
            .preferredFirstName: ["preferred_first_name", "preferred name"],
            .preferredLastName: ["preferred_last_name"],
            .jobTitle: ["job_title", "title"],
            .jobCode: ["job_code"],
            .departmentCode: ["department_code"],
            .departmentName: ["department_name", "department"],
            .location: ["location", "location_code"],
            .managerID: ["manager_id", "manager employee id"],
            .managerEmail: ["manager_email"],
            .costCenter: ["cost_center"],
            .employmentType: ["employment_type"],
            .status: ["status"],
            .hireDate: ["hire_date"],
            .terminationDate: ["termination_date"],
        ],
        statusCodes: commonStatus,
        employmentTypeCodes: commonEmploymentTypes,
        dateFormat: .iso
    )

    /// BambooHR custom report exported as CSV, with field names (`fd=yes`) or ids as headers.
    public static let bamboohr = FeedPreset(
        name: "bamboohr",
        columns: [
            .employeeID: ["Employee #", "Employee Number", "employeeNumber"],
            .email: ["Work Email", "workEmail"],
            .legalFirstName: ["First Name", "firstName"],
            .legalLastName: ["Last Name", "lastName"],
            .preferredFirstName: ["Preferred Name", "preferredName"],
            .jobTitle: ["Job Title", "jobTitle"],
            .departmentName: ["Department", "department"],
            .departmentCode: ["Division", "division"],
            .location: ["Location", "location"],
            .managerID: ["Supervisor EID", "supervisorEId", "Reporting to Employee #"],
            .costCenter: ["Cost Center", "costCenter"],
            .employmentType: ["Employment Status", "employmentHistoryStatus"],
            .status: ["Status", "status"],
            .hireDate: ["Hire Date", "hireDate"],
            .terminationDate: ["Termination Date", "terminationDate"],
        ],
        statusCodes: commonStatus,
        employmentTypeCodes: commonEmploymentTypes,
        notEmploymentTypes: ["terminated"],
        dateFormat: .iso
    )

    /// Workday custom report (RaaS or EIB) as CSV, with the usual XML aliases as headers.
    public static let workday = FeedPreset(
        name: "workday",
        columns: [
            .employeeID: ["Employee_ID", "Worker_ID"],
            .email: ["Work_Email", "Email_Address"],
            .legalFirstName: ["Legal_First_Name", "First_Name"],
            .legalLastName: ["Legal_Last_Name", "Last_Name"],
            .preferredFirstName: ["Preferred_First_Name"],
            .preferredLastName: ["Preferred_Last_Name"],
            .jobTitle: ["Business_Title", "businessTitle", "Job_Title"],
            .jobCode: ["Job_Profile", "Job_Code"],
            .departmentName: ["Supervisory_Organization", "Department"],
            .departmentCode: ["Cost_Center_Hierarchy", "Department_ID"],
            .location: ["Location", "Location_ID"],
            .managerID: ["Manager_Employee_ID", "Manager_ID"],
            .managerEmail: ["Manager_Email"],
            .costCenter: ["Cost_Center", "Cost_Center_ID"],
            .employmentType: ["Worker_Type", "Time_Type", "Employee_Type"],
            .status: ["Worker_Status", "Active_Status", "Employee_Status"],
            .hireDate: ["Hire_Date"],
            .terminationDate: ["Termination_Date"],
        ],
        statusCodes: commonStatus.merging(["1": .active, "0": .terminated, "true": .active, "false": .terminated]) { current, _ in current },
        employmentTypeCodes: commonEmploymentTypes.merging(["employee": .fullTime, "regular": .fullTime]) { current, _ in current },
        dateFormat: .iso
    )

    /// ADP Workforce Now custom report as CSV.
    public static let adp = FeedPreset(
        name: "adp",
        columns: [
            .employeeID: ["Associate ID", "File Number", "Employee ID"],
            .email: ["Work Contact: Work Email", "Work Email"],
            .legalFirstName: ["Legal First Name", "First Name"],
            .legalLastName: ["Legal Last Name", "Last Name"],
            .preferredFirstName: ["Preferred or Chosen First Name", "Nick Name"],
            .jobTitle: ["Job Title Description", "Job Title"],
            .jobCode: ["Job Title Code", "Job Code"],
            .departmentCode: ["Home Department Code", "Department Code"],
            .departmentName: ["Home Department Description", "Department Description"],
            .location: ["Location Code", "Work Location Code"],
            .managerID: ["Reports To Associate ID", "Reports To ID"],
            .costCenter: ["Home Cost Number Code", "Cost Center Code"],
            .employmentType: ["Worker Category Description", "Worker Category Code"],
            .status: ["Position Status", "Employee Status"],
            .hireDate: ["Hire Date", "Hire/Rehire Date"],
            .terminationDate: ["Termination Date"],
        ],
        statusCodes: commonStatus.merging(["a": .active, "l": .onLeave, "t": .terminated, "d": .terminated]) { current, _ in current },
        employmentTypeCodes: commonEmploymentTypes.merging(["f": .fullTime, "p": .partTime, "c": .contractor, "t": .temporary]) { current, _ in current },
        dateFormat: .us
    )

    /// SAP SuccessFactors Employee Central export (Report Center or Integration Center) as CSV.
    public static let successfactors = FeedPreset(
        name: "successfactors",
        columns: [
            .employeeID: ["personIdExternal", "Person ID External", "userId", "User ID"],
            .email: ["email", "Email", "emailAddress"],
            .legalFirstName: ["firstName", "First Name"],
            .legalLastName: ["lastName", "Last Name"],
            .preferredFirstName: ["preferredName", "Preferred Name"],
            .jobTitle: ["jobTitle", "Job Title"],
            .jobCode: ["jobCode", "Job Code"],
            .departmentCode: ["department", "Department"],
            .departmentName: ["department.name", "Department Name"],
            .location: ["location", "Location"],
            .managerID: ["managerId", "Manager User ID"],
            .costCenter: ["costCenter", "Cost Center"],
            .employmentType: ["employeeClass", "Employee Class", "employmentType"],
            .status: ["emplStatus", "Employee Status"],
            .hireDate: ["startDate", "Hire Date"],
            .terminationDate: ["endDate", "Termination Date"],
        ],
        statusCodes: commonStatus.merging(["a": .active, "u": .onLeave, "p": .onLeave, "t": .terminated, "r": .terminated]) { current, _ in current },
        employmentTypeCodes: commonEmploymentTypes.merging(["1": .fullTime, "2": .partTime, "3": .contractor, "4": .intern, "5": .temporary]) { current, _ in current },
        dateFormat: .iso
    )

    /// UKG Pro (UltiPro) BI or export report as CSV.
    public static let ukg = FeedPreset(
        name: "ukg",
        columns: [
            .employeeID: ["employeeNumber", "Employee Number"],
            .email: ["emailAddress", "Email Address"],
            .legalFirstName: ["firstName", "First Name"],
            .legalLastName: ["lastName", "Last Name"],
            .preferredFirstName: ["preferredName", "Preferred Name"],
            .jobTitle: ["jobDescription", "Job Description", "Job Title"],
            .jobCode: ["primaryJobCode", "Job Code"],
            .departmentCode: ["orgLevel1Code", "Org Level 1 Code"],
            .departmentName: ["orgLevel1Description", "Org Level 1 Description"],
            .location: ["primaryWorkLocationCode", "Location Code"],
            .managerID: ["supervisorEmployeeNumber", "supervisorID", "Supervisor Employee Number"],
            .costCenter: ["orgLevel2Code", "Org Level 2 Code"],
            .employmentType: ["employeeTypeCode", "fullTimeOrPartTimeCode", "Employee Type"],
            .status: ["employeeStatusCode", "Employee Status Code"],
            .hireDate: ["lastHireDate", "originalHireDate", "Last Hire Date"],
            .terminationDate: ["dateOfTermination", "Date of Termination"],
        ],
        statusCodes: commonStatus.merging(["a": .active, "l": .onLeave, "t": .terminated, "o": .onLeave]) { current, _ in current },
        employmentTypeCodes: commonEmploymentTypes.merging(["reg": .fullTime, "f": .fullTime, "p": .partTime, "tmp": .temporary, "con": .contractor, "int": .intern]) { current, _ in current },
        dateFormat: .iso
    )
}
