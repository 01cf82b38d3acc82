import Foundation
import SCIM
import SCIMTestSupport
import Testing

/// Users against a real scim2-server: create, find, patch, conflicts and paging.
@Suite struct UserTests {
    @Test func aCreatedUserWithTheEnterpriseExtensionReadsBackAsSent() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        let manager = try await client.createUser(worker("1000", given: "Mary", family: "Major"))
        let managerId = try #require(manager.id)

        let created = try await client.createUser(worker("1001", manager: managerId))
        let id = try #require(created.id)
        #expect(created.meta?.version != nil)
        #expect(created.meta?.created != nil)

        let read = try await client.user(id: id)
        #expect(read.externalId == "E1001")
        #expect(read.userName == "user1001@example.com")
        #expect(read.name == SCIMUser.Name(givenName: "Jane", familyName: "Doe"))
        #expect(read.title == "Engineer")
        #expect(read.emails == [SCIMUser.Email(value: "user1001@example.com", type: "work", primary: true)])
        #expect(read.active == true)
        #expect(read.enterprise?.employeeNumber == "1001")
        #expect(read.enterprise?.department == "R&D")
        #expect(read.enterprise?.costCenter == "CC-42")
        #expect(read.enterprise?.manager?.value == managerId)
        #expect(read.meta?.version == created.meta?.version)
    }

    @Test func usersAreFoundByExternalIdAndByUserName() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        // Quotes, a backslash, a plus and an ampersand must survive the filter and the URL.
        let awkward = #"o"brien\ops+r&d@example.com"#
        let created = try await client.createUser(worker("2001", userName: awkward))
        try await client.createUser(worker("2002"))

        #expect(try await client.findUser(externalId: "E2001")?.id == created.id)
        #expect(try await client.findUser(userName: awkward)?.id == created.id)
        #expect(try await client.findUser(userName: "USER2002@example.com")?.externalId == "E2002")
        // externalId is case-exact; nobody has these.
        #expect(try await client.findUser(externalId: "e2001") == nil)
        #expect(try await client.findUser(userName: "nobody@example.com") == nil)
    }

    @Test func aPatchChangesNameEmailDepartmentAndActiveAndReturnsTheNewVersion() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        let created = try await client.createUser(worker("3001"))
        let id = try #require(created.id)

        let version = try await client.patchUser(
            id: id,
            operations: [
                .replace("name.givenName", "Janet"),
                .replace("name.familyName", "Okafor"),
                .replace(#"emails[type eq "work"].value"#, "janet.okafor@example.com"),
                .replace("\(SCIMSchema.enterpriseUser):department", "Sales"),
                .replace("active", false),
            ],
            ifMatch: created.meta?.version)

        let read = try await client.user(id: id)
        #expect(read.name?.givenName == "Janet")
        #expect(read.name?.familyName == "Okafor")
        #expect(read.emails.map(\.value) == ["janet.okafor@example.com"])
        #expect(read.enterprise?.department == "Sales")
        #expect(read.enterprise?.employeeNumber == "3001")
        #expect(read.active == false)
        #expect(version != nil)
        #expect(version != created.meta?.version)
        #expect(read.meta?.version == version)
        // A deactivated user is still found: leavers are suspended, not deleted.
        #expect(try await client.findUser(externalId: "E3001")?.active == false)
    }

    @Test func aDuplicateUserNameIsAConflict() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        try await client.createUser(worker("4001", userName: "dup@example.com"))

        // userName is unique case-insensitively.
        let error = try #require(
            await scimError { try await client.createUser(worker("4002", userName: "DUP@example.com")) })
        #expect(error.isConflict)
        #expect(error.status == 409)
        #expect(error.scimType == "uniqueness")
        #expect(!error.isTransient)
        #expect(error.description.contains("POST /Users"))
    }

    @Test func aStaleIfMatchIsRefusedAndChangesNothing() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        let created = try await client.createUser(worker("5001"))
        let id = try #require(created.id)
        let stale = try #require(created.meta?.version)
        try await client.patchUser(id: id, operations: [.replace("title", "Lead")], ifMatch: stale)

        let error = try #require(
            await scimError {
                try await client.patchUser(id: id, operations: [.replace("title", "VP")], ifMatch: stale)
            })
        #expect(error.isPreconditionFailed)
        #expect(error.status == 412)
        #expect(!error.isTransient)
        #expect(try await client.user(id: id).title == "Lead")
    }

    @Test func pagingOver120UsersReturnsEachOnce() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        for number in 1...120 {
            try await client.createUser(worker(String(6000 + number)))
        }

        let users = try await client.listUsers(pageSize: 50)
        #expect(users.count == 120)
        #expect(Set(users.compactMap(\.id)).count == 120)
        #expect(Set(users.compactMap(\.externalId)) == Set((1...120).map { "E\(6000 + $0)" }))
    }

    @Test func theServiceProviderConfigurationNamesTheSupportedFeatures() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let configuration = try await server.client().serviceProviderConfiguration()
        #expect(configuration.patchSupported)
        #expect(configuration.filterSupported)
        #expect(configuration.etagSupported)
        #expect(configuration.bulkSupported)
        #expect(configuration.bulkMaxOperations == 1000)
        #expect(configuration.filterMaxResults == 1000)
    }

    @Test func aWrongTokenIsUnauthorized() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let error = try #require(await scimError { try await server.client(bearerToken: "wrong").listUsers() })
        #expect(error.status == 401)
        #expect(!error.isTransient)
        #expect(error.description.contains("bearer token"))

        let anonymous = SCIMClient(baseURL: server.baseURL, bearerToken: nil)
        #expect(await scimError { try await anonymous.findUser(externalId: "E1") }?.status == 401)
    }
}
