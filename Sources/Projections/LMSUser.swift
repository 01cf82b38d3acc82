import Journal
import Workforce

/// A user as the LMS should hold it: who, under which name, whether they may sign in, their
/// groups and their course assignments, each with the provenance that put it there.
public struct LMSUser: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        /// May sign in and learn.
        case active
        /// Signed out for good (terminated or out of scope); kept, never deleted.
        case deactivated
        /// Soft-deleted after an absence's grace period; restorable.
        case archived
    }

    /// The employee ID: the LMS's external ID for the user.
    public var employeeID: EmployeeID
    public var userName: String
    public var firstName: String
    public var lastName: String
    public var email: String?
    public var status: Status
    /// Why the user has its status.
    public var statusProvenance: Provenance
    /// Group name to why the user is in it.
    public var groups: SortedMap<Provenance>
    /// Course to its assignment.
    public var assignments: SortedMap<Assignment>
    /// Mapping id to an HR value its table does not list: reported, never dropped silently.
    public var unmapped: SortedMap<String>

    public init(
        employeeID: EmployeeID, userName: String, firstName: String, lastName: String, email: String?, status: Status,
        statusProvenance: Provenance, groups: SortedMap<Provenance> = SortedMap(), assignments: SortedMap<Assignment> = SortedMap(),
        unmapped: SortedMap<String> = SortedMap()
    ) {
        self.employeeID = employeeID
        self.userName = userName
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.status = status
        self.statusProvenance = statusProvenance
        self.groups = groups
        self.assignments = assignments
        self.unmapped = unmapped
    }
}

/// A course assigned to a user.
public struct Assignment: Sendable, Equatable {
    public var course: String
    /// The local date it is due by, in the worker's time zone; nil when the trigger sets none.
    public var due: LocalDate?
    public var provenance: Provenance

    public init(course: String, due: LocalDate?, provenance: Provenance) {
        self.course = course
        self.due = due
        self.provenance = provenance
    }
}
