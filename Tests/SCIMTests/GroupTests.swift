import SCIM
import SCIMTestSupport
import Testing

/// Groups against a real scim2-server: Roster's department groups and their membership deltas.
@Suite struct GroupTests {
    @Test func membersAreAddedAndRemovedByDelta() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        let first = try #require(try await client.createUser(worker("7001")).id)
        let second = try #require(try await client.createUser(worker("7002")).id)
        let created = try await client.createGroup(displayName: "Dept R&D", externalId: "dept-42")
        let id = try #require(created.id)
        #expect(created.members.isEmpty)

        try await client.patchGroupMembers(id: id, add: [first, second])
        #expect(Set(try await client.group(id: id).members.map(\.value)) == [first, second])

        let version = try await client.patchGroupMembers(id: id, remove: [first])
        let read = try await client.group(id: id)
        #expect(read.members.map(\.value) == [second])
        #expect(read.displayName == "Dept R&D")
        #expect(read.externalId == "dept-42")
        #expect(read.meta?.version == version)

        #expect(try await client.findGroup(displayName: "Dept R&D")?.id == id)
        #expect(try await client.findGroup(externalId: "dept-42")?.id == id)
        #expect(try await client.findGroup(displayName: "Dept Sales") == nil)
        let listed = try await client.listGroups(pageSize: 1)
        #expect(listed.map(\.id) == [id])
        #expect(listed.first?.members.map(\.value) == [second])
    }

    @Test func anEmptyDeltaSendsNothing() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let proxy = try FaultProxy(forwardingTo: server.baseURL)
        defer { proxy.stop() }
        let client = SCIMClient(baseURL: proxy.baseURL, bearerToken: server.bearerToken)
        let id = try #require(try await client.createGroup(displayName: "Empty").id)

        #expect(try await client.patchGroupMembers(id: id, add: [], remove: []) == nil)
        #expect(proxy.count("PATCH", "/v2/Groups/\(id)") == 0)
        #expect(proxy.count("POST", "/v2/Groups") == 1)
    }
}
