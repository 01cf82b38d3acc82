import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Journal
import JournalTestSupport
import Projections
import Provisioning
import SCIM
import SCIMTestSupport
import Testing
import Workforce

/// The outbox delivered to a real SCIM server (scim2-server 0.8.3), directly and through a proxy
/// that fails, throttles, drops and delays requests: the server ends holding exactly the desired
/// state, each user once.
@Suite(.serialized) struct SCIMProvisioningTests {
    @Test func everyWorkflowLeavesTheServerHoldingTheDesiredState() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let scenario = try ProvisioningScenario()
        let provisioner = scenario.provisioner(connector: SCIMConnector(client: server.client()))
        func syncAndCheck(_ step: String) async throws {
            let summary = try await provisioner.sync()
            #expect(summary.failed == 0 && summary.waiting == 0 && summary.dead == 0, "\(step): \(summary.deliveries.filter { $0.failure != nil }.map { "\($0.command.id): \($0.outcome)" })")
            #expect(try scenario.drift() == [], "\(step)")
            let problems = try await SCIMMirror.read(server.client()).differences(from: try scenario.state())
            #expect(problems == [], "\(step)")
        }

        try scenario.hire(worker("E1", first: "Ada", last: "Lovelace"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E2", first: "Alan", last: "Turing"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E3", first: "Grace", last: "Hopper"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("S1", first: "Mia", last: "Chen", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("C1", first: "Carl", last: "Jung", type: .contractor), at: "2026-11-29T09:00:00Z")
        try await syncAndCheck("day 1: hires")

        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-30T09:00:00Z")
        try scenario.record("E2", .changed(.location, old: "LON", new: "NYC"), at: "2026-11-30T09:00:00Z")
        try scenario.record("E2", .changed(.timeZone, old: "Europe/London", new: "America/New_York"), at: "2026-11-30T09:00:00Z")
        let old = PersonName(of: worker("E3", first: "Grace", last: "Hopper"))
        var married = old
        married.legalLast = "Murray"
        try scenario.record("E3", .nameChanged(old: old, new: married), at: "2026-11-30T09:00:00Z")
        try await syncAndCheck("day 2: promotion, transfer, name change")
        let e1 = try #require(try await server.client().findUser(externalId: "E1"))
        #expect(e1.title == "Data Manager" && e1.enterprise?.department == "Information Technology" && e1.active == true)

        try scenario.terminate("E3", on: date(2026, 11, 30), at: "2026-11-30T10:00:00Z")
        try await syncAndCheck("termination")
        #expect(try await server.client().findUser(externalId: "E3")?.active == false, "deactivated, not deleted")

        scenario.at("2026-11-30T13:00:00Z")
        try await syncAndCheck("Sydney's first day")
        try scenario.record("C1", .converted(from: .contractor, to: .fullTime), at: "2026-12-01T09:00:00Z")
        try await syncAndCheck("contractor converted")

        var back = worker("E3", first: "Grace", last: "Murray", hired: date(2026, 12, 2))
        back.status = .active
        try scenario.record("E3", .rehired(back), at: "2026-12-02T09:00:00Z", effective: date(2026, 12, 2).start(in: Zones.named("Europe/London")!))
        try await syncAndCheck("rehire")
        #expect(try await server.client().findUser(externalId: "E3")?.active == true)

        // Missing from three full snapshots: archived (deactivated in the LMS), then restored.
        for night in 1...3 { try scenario.snapshot("night-\(night)", absent: night == 1 ? ["E2"] : [], at: "2026-12-0\(2 + night)T02:00:00Z") }
        try await syncAndCheck("archived")
        #expect(try scenario.state()[worker: EmployeeID(rawValue: "E2")]?.user?.status == .archived)
        #expect(try await server.client().findUser(externalId: "E2")?.active == false)
        try scenario.restore("E2", at: "2026-12-06T09:00:00Z")
        try await syncAndCheck("restored")
        #expect(try await server.client().findUser(externalId: "E2")?.active == true)
        // The LMS ids the server gave are journaled with each creation.
        let state = try scenario.state()
        #expect(state[worker: EmployeeID(rawValue: "E1")]?.lms?.lmsID == e1.id)
    }

    @Test func anAccountTheLMSAlreadyHadIsAdoptedNotDuplicated() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        // Made by hand before Roster: same user name, no external ID.
        let existing = try await client.createUser(SCIMUser(userName: "ada.lovelace@example.com", name: .init(givenName: "Ada", familyName: "L"), active: false))
        let scenario = try ProvisioningScenario()
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:00Z")
        let summary = try await scenario.provisioner(connector: SCIMConnector(client: client)).sync()
        let create = try #require(summary.deliveries.first { $0.command.action == .create })
        #expect(create.outcome == .acknowledged(lmsID: existing.id, adopted: true, call: "adopted /Users/\(existing.id!) by userName"))
        let users = try await client.listUsers()
        #expect(users.count == 1)
        #expect(users[0].externalId == "E1" && users[0].active == true && users[0].name?.familyName == "Lovelace")
        #expect(try await SCIMMirror.read(client).differences(from: try scenario.state()) == [])
    }

    @Test func reconcileFindsHandEditsAndTheNextSyncUndoesThem() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let client = server.client()
        let scenario = try ProvisioningScenario()
        try scenario.hire(worker("E1", first: "Ada", last: "Lovelace"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E2", first: "Alan", last: "Turing", location: "NYC"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E3", first: "Grace", last: "Hopper"), at: "2026-11-29T09:00:00Z")
        let provisioner = scenario.provisioner(connector: SCIMConnector(client: client))
        _ = try await provisioner.sync()
        var (drift, unmanaged) = try await provisioner.reconcile(fix: false)
        #expect(drift == [] && unmanaged == [])

        // By hand in the LMS: E1 suspended and renamed, E2 taken out of New York and put in a
        // group of their own, E3 deleted, and an account Roster never made.
        let e1 = try #require(try await client.findUser(externalId: "E1")?.id)
        _ = try await client.patchUser(id: e1, operations: [.replace("active", false), .replace("name", .object(["givenName": "Augusta", "familyName": "King"]))])
        let e2 = try #require(try await client.findUser(externalId: "E2")?.id)
        let newYork = try #require(try await client.findGroup(displayName: "New York")?.id)
        try await client.patchGroupMembers(id: newYork, remove: [e2])
        let club = try await client.createGroup(displayName: "Chess Club")
        try await client.patchGroupMembers(id: club.id!, add: [e2])
        let e3 = try #require(try await client.findUser(externalId: "E3")?.id)
        try await SCIMMirror.delete(user: e3, on: server)
        _ = try await client.createUser(SCIMUser(userName: "visitor@example.com", name: .init(givenName: "Vi", familyName: "Sitor")))

        (drift, unmanaged) = try await provisioner.reconcile(fix: false)
        #expect(Set(drift.map(\.observation)) == [
            .userDeactivated, .userUpdated(profile: LMSProfile(
                userName: "ada.lovelace@example.com", givenName: "Augusta", familyName: "King", email: "ada.lovelace@example.com",
                title: "Data Analyst", department: "Information Technology")),
            .membershipRemoved(LMSMembership(.group, "New York")), .membershipAdded(LMSMembership(.group, "Chess Club")), .userMissing,
        ])
        #expect(unmanaged == ["visitor@example.com"])
        #expect(try scenario.outbox(provisioner) == [], "a report alone queues nothing")

        _ = try await provisioner.reconcile(fix: true)
        let plan = try scenario.outbox(provisioner)
        #expect(Set(plan.map(\.id)) == [
            "E1 reactivate", "E1 update \(LMSCommand.fingerprint(try #require(try scenario.state()[worker: EmployeeID(rawValue: "E1")]?.desiredProfile)))",
            "E2 add group:New York", "E2 remove group:Chess Club", "E3 create", "E3 add group:IT Dept", "E3 add group:London",
        ])
        let summary = try await provisioner.sync()
        #expect(summary.failed == 0)
        #expect(try await SCIMMirror.read(client).differences(from: try scenario.state()) == [])
        (drift, unmanaged) = try await provisioner.reconcile(fix: false)
        #expect(drift == [])
        #expect(try await client.findUser(userName: "visitor@example.com")?.active != false, "an account Roster does not manage is left alone")
    }

    @Test func aServerThatWantsIfMatchGetsTheUserReadAgainAndThePatchRetried() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let proxy = try FaultProxy(forwardingTo: server.baseURL)
        defer { proxy.stop() }
        let scenario = try ProvisioningScenario()
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:00Z")
        let provisioner = scenario.provisioner(connector: SCIMConnector(client: SCIMClient(baseURL: proxy.baseURL, bearerToken: server.bearerToken)))
        _ = try await provisioner.sync()
        let id = try #require(try scenario.state()[worker: EmployeeID(rawValue: "E1")]?.lms?.lmsID)

        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Senior Data Analyst"), at: "2026-11-30T09:00:00Z")
        proxy.inject(.status(412))
        let summary = try await provisioner.sync()
        #expect(summary.acknowledged == 1 && summary.failed == 0)
        #expect(proxy.count("GET", "/v2/Users/\(id)") == 1, "read again once for its version")
        #expect(proxy.count("PATCH", "/v2/Users/\(id)") >= 2)
        #expect(try await server.client().user(id: id).title == "Senior Data Analyst")
    }

    @Test func faultsDelayTheEndStateButNeverChangeIt() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        let proxy = try FaultProxy(forwardingTo: server.baseURL)
        defer { proxy.stop() }
        let scenario = try ProvisioningScenario()
        for index in 1...12 {
            try scenario.hire(worker("E\(index)", first: "First\(index)", last: "Last\(index)", location: index % 2 == 0 ? "NYC" : "LON"), at: "2026-11-29T09:00:00Z")
        }
        // A short timeout, so a delayed request times out while the server still acts on it.
        let connector = SCIMConnector(client: SCIMClient(baseURL: proxy.baseURL, bearerToken: server.bearerToken, timeout: .seconds(1)), concurrency: 4)
        let provisioner = scenario.provisioner(connector: connector, policy: DeliveryPolicy(maxAttempts: 50, backoffSeconds: 1, maxBackoffSeconds: 30))

        proxy.inject(.internalServerError, times: 3)
        proxy.inject(.tooManyRequests(retryAfter: "120"), times: 1)
        proxy.inject(.serviceUnavailable(retryAfter: "2"), times: 1)
        proxy.inject(.dropConnection, times: 3)
        proxy.inject(.delay(.milliseconds(1500)), times: 4)
        var summary = try await provisioner.sync()
        #expect(summary.failed > 0, "the faults were met")
        let throttled = summary.deliveries.compactMap(\.failure).filter { $0.status == 429 }
        #expect(throttled.allSatisfy { $0.retryAt! >= scenario.clock.now().adding(microseconds: 119_000_000) }, "Retry-After is honoured")

        // Then a random mix, until everything is delivered; time moves past each backoff.
        proxy.inject(.internalServerError, probability: 0.1, seed: 7)
        var rounds = 0
        while try !scenario.outbox(provisioner).isEmpty, rounds < 60 {
            scenario.clock.advance(seconds: 180)
            summary = try await provisioner.sync()
            rounds += 1
        }
        proxy.removeFaults()
        let left = try scenario.outbox(provisioner)
        #expect(left.isEmpty, "after \(rounds) rounds: \(left.map { "\($0.id): \(String(describing: $0.lastFailure))" })")
        #expect(proxy.faultsInjected > 12)
        #expect(try await SCIMMirror.read(server.client()).differences(from: try scenario.state()) == [])
        // A timed-out create that the server carried out is found by externalId, never made twice.
        let users = try await server.client().listUsers()
        #expect(users.count == 12 && Set(users.compactMap(\.externalId)).count == 12)
        let groups = try await server.client().listGroups()
        #expect(Set(groups.map(\.displayName)).count == groups.count, "no group twice")
    }
}

/// What a SCIM server holds, as the desired state names it.
struct SCIMMirror {
    var users: [SCIMUser]
    var groupsByMember: [String: [String]]

    /// Deletes a user the way an LMS admin would by hand (Roster itself never deletes).
    static func delete(user id: String, on server: SCIMTestServer) async throws {
        var request = URLRequest(url: server.baseURL.appendingPathComponent("Users/\(id)"))
        request.httpMethod = "DELETE"
        request.setValue("Bearer \(server.bearerToken)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 204)
    }

    static func read(_ client: SCIMClient) async throws -> SCIMMirror {
        let users = try await client.listUsers()
        var groupsByMember: [String: [String]] = [:]
        for group in try await client.listGroups() {
            for member in group.members { groupsByMember[member.value, default: []].append(group.displayName) }
        }
        return SCIMMirror(users: users, groupsByMember: groupsByMember)
    }

    /// Every way the server differs from `state`; empty when it holds exactly the desired users.
    func differences(from state: DesiredState, coursePrefix: String = "course:") -> [String] {
        var problems: [String] = []
        let byExternalID = Dictionary(grouping: users, by: { $0.externalId ?? "" })
        for (id, list) in byExternalID where list.count > 1 { problems.append("\(id) is on the server \(list.count) times") }
        for projection in state.allProjections {
            let id = projection.worker.id.rawValue
            let user = byExternalID[id]?.first
            guard let desired = projection.user, desired.status == .active || user != nil else {
                if user?.active == true { problems.append("\(id) is active on the server without a desired user") }
                continue
            }
            guard let user, let scimID = user.id else {
                problems.append("\(id) is missing from the server")
                continue
            }
            if user.active != (desired.status == .active) { problems.append("\(id): active \(String(describing: user.active)), desired \(desired.status)") }
            if user.userName != desired.userName { problems.append("\(id): userName \(user.userName), desired \(desired.userName)") }
            if user.name?.givenName != desired.firstName || user.name?.familyName != desired.lastName {
                problems.append("\(id): name \(String(describing: user.name)), desired \(desired.firstName) \(desired.lastName)")
            }
            let member = (groupsByMember[scimID] ?? []).sorted()
            let groups = member.filter { !$0.hasPrefix(coursePrefix) }
            let courses = member.filter { $0.hasPrefix(coursePrefix) }.map { String($0.dropFirst(coursePrefix.count)) }
            if groups != desired.groups.keys.sorted() { problems.append("\(id): groups \(groups), desired \(desired.groups.keys.sorted())") }
            if courses != desired.assignments.keys.sorted() { problems.append("\(id): courses \(courses), desired \(desired.assignments.keys.sorted())") }
        }
        return problems
    }
}
