import Projections
import Workforce

/// What `roster state` and `GET /v1/state` say under the users: how many by status, how many
/// workers have none, and the HR values no mapping table knows, with a few workers who hold them.
public struct StateSummary {
    public struct Unmapped {
        public var mapping: String
        public var value: String
        /// The users holding it, in employee-ID order.
        public var users: [EmployeeID]
    }

    public var users: Int
    public var byStatus: [LMSUser.Status: Int]
    /// Workers with no user: out of scope, or not started.
    public var withoutUser: Int
    /// By mapping, then value.
    public var unmapped: [Unmapped]

    /// The summary of `users` (the state's, in employee-ID order) in `state`.
    public init(_ state: DesiredState, users: [LMSUser]) {
        self.users = users.count
        byStatus = Dictionary(grouping: users, by: \.status).mapValues(\.count)
        withoutUser = state.workerCount - state.users.count
        var found: [String: [String: [EmployeeID]]] = [:]
        for user in users {
            for (mapping, value) in user.unmapped { found[mapping, default: [:]][value, default: []].append(user.employeeID) }
        }
        unmapped = found.sorted { $0.key < $1.key }.flatMap { mapping, values in
            values.sorted { $0.key < $1.key }.map { Unmapped(mapping: mapping, value: $0.key, users: $0.value) }
        }
    }

    public func count(_ status: LMSUser.Status) -> Int { byStatus[status] ?? 0 }
}
