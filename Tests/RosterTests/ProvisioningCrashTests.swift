import Foundation
import JournalTestSupport
import SCIM
import SCIMTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `roster sync` killed with SIGKILL at random moments while it delivers to a real SCIM server,
/// again and again: after a restart the server holds exactly the desired state, each user once.
@Suite struct ProvisioningCrashTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")

    @Test func killedDuringDeliveryThirtyTimesTheServerEndsExactlyRight() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        // Every request a little slower, so a kill lands in the middle of a delivery.
        let proxy = try FaultProxy(forwardingTo: server.baseURL)
        defer { proxy.stop() }
        proxy.inject(.delay(.milliseconds(15)), probability: 1, seed: 1)
        let config = try TestConfiguration.write(
            in: directory,
            lms: [
                "connector: scim", "url: \(proxy.baseURL.absoluteString)", "token: \(server.bearerToken)", "concurrency: 4",
                "delivery: { max_attempts: 100, backoff_seconds: 1, max_backoff_seconds: 1 }",
            ])
        let roster = self.roster
        @Sendable func run(_ arguments: [String]) throws -> CommandResult { try runCommand(roster, arguments + ["--config", config]) }
        let directory = self.directory
        @Sendable func company(_ day: Int) throws -> String {
            let rows = (1...120).map { index in
                let title = index % 7 == day % 7 ? "Team Manager" : "Analyst"
                let location = (index + day) % 3 == 0 ? "NYC" : "LON"
                return "E\(index),First\(index),Last\(index),w\(index)@example.com,\(title),Information Technology,\(location),full_time,active,2019-04-01,"
            }
            let path = directory.child("day\(day).csv")
            try ([LMSStateCommandTests.header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        let (kills, runs) = try await blocking { () -> (Int, Int) in
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var day = 0
        var runs = 0
        guard try run(["ingest", "--feed", "hr", try company(day)]).status == 0 else { return (0, 0) }
        while kills < 30, runs < 300 {
            runs += 1
            let before = proxy.counts.values.reduce(0, +)
            let child = try ChildProcess(roster, ["sync", "--config", config])
            let moment = ContinuousClock.now + .milliseconds(Int.random(in: 30...600, using: &generator))
            while child.isRunning, ContinuousClock.now < moment { usleep(2_000) }
            guard child.isRunning else {
                // It finished first: give it more to do (promotions and transfers move every day).
                day += 1
                guard try run(["ingest", "--feed", "hr", try company(day)]).status == 0 else { return (kills, runs) }
                continue
            }
            child.kill()
            if proxy.counts.values.reduce(0, +) > before { kills += 1 }
        }
        return (kills, runs)
        }
        #expect(kills >= 30, "\(kills) kills during delivery in \(runs) runs")

        // Restarted: it finishes what the killed ones left, and nothing is twice.
        let (finished, plan, reconcile) = try await blocking { () -> (CommandResult, CommandResult, CommandResult) in
            let deadline = ContinuousClock.now + .seconds(120)
            var finished = try run(["sync"])
            while finished.status != 0, ContinuousClock.now < deadline { finished = try run(["sync"]) }
            let plan = try run(["plan"])
            proxy.removeFaults()
            return (finished, plan, try run(["reconcile"]))
        }
        #expect(finished.status == 0, "\(finished.standardOutput) \(finished.standardError)")
        #expect(plan.standardOutput.contains("nothing to send"))
        #expect(reconcile.status == 0, "the LMS holds what Roster believes: \(reconcile.standardOutput)")

        let users = try await server.client().listUsers(pageSize: 200)
        #expect(users.count == 120 && Set(users.compactMap(\.externalId)).count == 120, "each user once")
        let groups = try await server.client().listGroups()
        #expect(Set(groups.map(\.displayName)).count == groups.count, "each group once")
        // And what the server holds is the desired state, user by user.
        let stateOutput = try await blocking { try run(["state", "--json"]).standardOutput }
        let desired = try #require(try JSONSerialization.jsonObject(with: Data(stateOutput.utf8)) as? [String: Any])
        var members: [String: Set<String>] = [:]
        for group in groups { for member in group.members { members[member.value, default: []].insert(group.displayName) } }
        for user in try #require(desired["users"] as? [[String: Any]]) {
            let id = user["employee_id"] as! String
            let scim = try #require(users.first { $0.externalId == id })
            let groups = Set(LMSStateCommandTests.groups(user)).union(LMSStateCommandTests.courses(user).map { "course:" + $0 })
            #expect(members[scim.id!] ?? [] == groups, "\(id)")
            #expect(scim.active == true)
        }
    }
}
