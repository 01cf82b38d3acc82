/// An employee an HRIS says changed: from BambooHR's changed-since answer, or from a webhook.
public struct ChangedEmployee: Sendable, Equatable {
    /// What happened to the employee.
    public enum Action: String, Sendable, Equatable {
        case inserted = "Inserted"
        case updated = "Updated"
        case deleted = "Deleted"

        /// BambooHR's words (`Inserted`, `Created`, `Updated`, `Deleted`, any case). An action not
        /// known yet is read as an update: reading the employee again is always safe.
        public init(bambooHR text: String) {
            switch text.lowercased() {
            case "inserted", "created": self = .inserted
            case "deleted": self = .deleted
            default: self = .updated
            }
        }
    }

    /// BambooHR's internal employee id (the `id` of `/v1/employees/{id}`), not the employee number.
    public var id: String
    /// Inserted, updated or deleted.
    public var action: Action
    /// When the HRIS says the change was made, as it wrote it.
    public var lastChanged: String?

    /// A change of employee `id`.
    public init(id: String, action: Action, lastChanged: String? = nil) {
        self.id = id
        self.action = action
        self.lastChanged = lastChanged
    }
}

/// BambooHR's answer to "what changed since": the employees, and the mark to ask from next time.
public struct ChangedEmployees: Sendable, Equatable {
    /// The high-water mark (`latest`), to send as `since` on the next poll once the changes are
    /// journaled.
    public var latest: String
    /// The changed employees, in the order BambooHR listed them.
    public var employees: [ChangedEmployee]

    /// An answer with its mark and employees.
    public init(latest: String, employees: [ChangedEmployee]) {
        self.latest = latest
        self.employees = employees
    }
}
