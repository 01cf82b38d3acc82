/// The Enterprise User extension of a user (RFC 7643 §4.3), sent as an object under the key
/// ``SCIMSchema/enterpriseUser``.
public struct EnterpriseUser: Sendable, Hashable, Codable {
    public var employeeNumber: String?
    public var costCenter: String?
    public var organization: String?
    public var division: String?
    public var department: String?
    /// The user's manager, by SCIM id: the manager must exist on the server first.
    public var manager: Manager?

    public init(
        employeeNumber: String? = nil, costCenter: String? = nil, organization: String? = nil,
        division: String? = nil, department: String? = nil, manager: Manager? = nil
    ) {
        self.employeeNumber = employeeNumber
        self.costCenter = costCenter
        self.organization = organization
        self.division = division
        self.department = department
        self.manager = manager
    }

    /// A reference to the manager's user.
    public struct Manager: Sendable, Hashable, Codable {
        /// The manager's SCIM `id`, not their employee number.
        public var value: String?
        /// The manager's name, when the server fills it in.
        public var displayName: String?

        public init(value: String?, displayName: String? = nil) {
            self.value = value
            self.displayName = displayName
        }
    }
}
