/// How a worker is employed. Inclusion rules (licences) usually hinge on it.
public enum EmploymentType: String, Sendable, Codable, CaseIterable {
    case fullTime = "full_time"
    case partTime = "part_time"
    case contractor
    case intern
    case temporary
}

/// Where a worker stands with the company.
public enum WorkerStatus: String, Sendable, Codable, CaseIterable {
    case active
    case onLeave = "on_leave"
    case terminated
    /// Hired, not started yet.
    case pending
}

extension EmploymentType: WireNamed {
    static let wireNames = WireNames<EmploymentType>()
}

extension WorkerStatus: WireNamed {
    static let wireNames = WireNames<WorkerStatus>()
}
