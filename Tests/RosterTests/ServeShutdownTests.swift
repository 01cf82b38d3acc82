import Foundation
import JournalTestSupport
import SCIM
import SCIMTestSupport
import Testing

/// SIGTERM in the middle of a delivery: the daemon finishes the round in flight, journals its
/// answers and exits 0; started again, it goes on from there and the LMS ends exactly right.
@Suite struct ServeShutdownTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")

    @Test func aGracefulStopMidDeliveryLosesNothingAndTheRestartFinishes() async throws {
        let server = try await SCIMTestServer.start()
        defer { server.stop() }
        // Every request a little slow, so the stop lands while a round is going.
        let proxy = try FaultProxy(forwardingTo: server.baseURL)
        defer { proxy.stop() }
        proxy.inject(.delay(.milliseconds(20)), probability: 1, seed: 3)
        let config = try TestConfiguration.write(
            in: directory, lms: ["connector: scim", "url: \(proxy.baseURL.absoluteString)", "token: \(server.bearerToken)", "concurrency: 2"],
            serve: "shutdown-test")
        let rows = (1...80).map { "E\($0),First\($0),Last\($0),w\($0)@example.com,Analyst,Information Technology,LON,full_time,active,2019-04-01," }
        let file = directory.child("company.csv")
        try ([LMSStateCommandTests.header] + rows).joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        let (roster, directory) = (self.roster, self.directory)
        let ingest = try await blocking { try runCommand(roster, ["ingest", "--feed", "hr", file, "--config", config]) }
        #expect(ingest.status == 0)

        func start() async throws -> ChildProcess {
            let child = try ChildProcess(roster, ["serve", "--config", config])
            _ = try await blocking { try child.readLine(until: { $0.contains("\"message\":\"listening\"") }, timeout: .seconds(60)) }
            return child
        }
        // Stop once the server has seen some of the work, well before all of it.
        var daemon = try await start()
        let deadline = Date().addingTimeInterval(60)
        while proxy.counts.values.reduce(0, +) < 40, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let before = try await server.client().listUsers(pageSize: 200).count
        kill(daemon.pid, SIGTERM)
        let first = daemon
        #expect(try await blocking { first.wait() } == 0, "\(first.standardError())")
        #expect(before < 80, "the stop came mid-delivery (\(before) of 80 users made)")
        let verify = try await blocking {
            try runCommand(BuiltProducts.executable("roster-journal"), ["verify", "--journal", directory.child("data/journal")])
        }
        #expect(verify.status == 0, "the journal is consistent: \(verify.standardOutput)")

        // Started again, it delivers what was left, and nothing twice.
        daemon = try await start()
        let finished = Date().addingTimeInterval(120)
        var users = 0
        while users < 80, Date() < finished {
            users = try await server.client().listUsers(pageSize: 200).count
            try await Task.sleep(for: .milliseconds(200))
        }
        var outbox = "?"
        while Date() < finished {
            outbox = try await blocking { try runCommand(roster, ["outbox", "--config", config]).standardOutput }
            if outbox.contains("0 commands") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        kill(daemon.pid, SIGTERM)
        let second = daemon
        #expect(try await blocking { second.wait() } == 0)
        #expect(outbox.contains("0 commands"), "\(outbox)")
        let all = try await server.client().listUsers(pageSize: 200)
        #expect(all.count == 80 && Set(all.compactMap(\.externalId)).count == 80, "each user once")
        let groups = try await server.client().listGroups()
        #expect(Set(groups.map(\.displayName)) == ["IT Dept", "London"])
        #expect(groups.allSatisfy { $0.members.count == 80 })
        let reconcile = try await blocking { try runCommand(roster, ["reconcile", "--config", config]) }
        #expect(reconcile.status == 0, "\(reconcile.standardOutput)")
    }
}
