import SCIM
import Testing

/// A worker as Roster provisions them: HR id in `externalId`, the enterprise extension filled in.
func worker(
    _ employeeNumber: String, userName: String? = nil, given: String = "Jane", family: String = "Doe",
    department: String = "R&D", manager: String? = nil
) -> SCIMUser {
    SCIMUser(
        externalId: "E\(employeeNumber)",
        userName: userName ?? "user\(employeeNumber)@example.com",
        name: SCIMUser.Name(givenName: given, familyName: family),
        displayName: "\(given) \(family)",
        title: "Engineer",
        emails: [SCIMUser.Email(value: userName ?? "user\(employeeNumber)@example.com")],
        active: true,
        enterprise: EnterpriseUser(
            employeeNumber: employeeNumber, costCenter: "CC-42", department: department,
            manager: manager.map { EnterpriseUser.Manager(value: $0) })
    )
}

/// The error `body` throws, or nil when it succeeds.
func scimError<Value>(_ body: () async throws -> Value) async -> SCIMError? {
    do {
        _ = try await body()
        return nil
    } catch let error as SCIMError {
        return error
    } catch {
        Issue.record("expected a SCIMError, got \(error)")
        return nil
    }
}
