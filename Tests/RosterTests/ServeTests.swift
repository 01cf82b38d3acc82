import Foundation
import Journal
import JournalTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster serve`, run as the real executable: the admin API behind its token, delivery to the
/// embedded LMS, held batches decided over HTTP, the CLI reading beside it, and a graceful stop.
@Suite struct ServeTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    let config: String
    static let token = "test-admin-token-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        config = directory.child("roster.yml")
        try """
            data: ./data
            default_time_zone: Europe/London
            locations: { LON: Europe/London, NYC: America/New_York, SYD: Australia/Sydney }
            rules: rules.yml
            feeds:
              - name: hr
                kind: csv-snapshot
                preset: generic
            lms:
              connector: csv-export
              directory: exports
            serve:
              listen: 127.0.0.1:0
              token: \(Self.token)
              log_format: json
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try LMSStateCommandTests.rules.write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
    }

    /// Runs the CLI off the concurrency pool (the test is async).
    func run(_ arguments: [String]) async throws -> CommandResult {
        let (roster, config) = (self.roster, self.config)
        return try await blocking { try runCommand(roster, arguments + ["--config", config]) }
    }

    func file(_ name: String, _ rows: [String]) throws -> String {
        let path = directory.child(name)
        try ([LMSStateCommandTests.header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func serve() async throws -> RunningDaemon {
        try await RunningDaemon.start(config: config, token: Self.token)
    }

    @Test func theAdminAPIAnswersBehindItsTokenAndTheDaemonStopsCleanly() async throws {
        #expect(try await run(["ingest", "--feed", "hr", try file("day1.csv", LMSStateCommandTests.company())]).status == 0)
        #expect(try await run(["ingest", "--feed", "hr", try file("truncated.csv", Array(LMSStateCommandTests.company().prefix(2)))]).status == 4)
        #expect(try await run(["ingest", "--feed", "hr", try file("truncated2.csv", Array(LMSStateCommandTests.company().prefix(3)))]).status == 4)
        let heldBatches = try await run(["batches"]).standardOutput.split(separator: "\n").filter { $0.contains("HELD") }.compactMap { $0.split(separator: " ").first }
        #expect(heldBatches.count == 2)
        let held = try #require(heldBatches.first)
        let approvable = try #require(heldBatches.last)
        let daemon = try await serve()

        // The batch held before the daemon started is counted from the journal, not from what this process saw.
        #expect(try await daemon.text("metrics").contains("roster_batches_held 2"))
        // Only /healthz answers without the token.
        #expect(try await daemon.request("GET", "healthz", token: .none).0 == 200)
        #expect(try await daemon.request("GET", "v1/plan", token: .none).0 == 401)
        #expect(try await daemon.request("GET", "v1/plan", token: .other("wrong")).0 == 401)
        #expect(try await daemon.request("GET", "v1/plan", token: .scheme("bearer")).0 == 200, "the scheme is case-insensitive")
        #expect(try await daemon.request("GET", "metrics", token: .none).0 == 401)

        // The daemon delivers the outbox by itself: poll until it is empty.
        let deadline = Date().addingTimeInterval(60)
        var outbox: [Any] = [1]
        while !outbox.isEmpty, Date() < deadline {
            outbox = try #require(try await daemon.json("v1/outbox")["commands"] as? [Any])
        }
        #expect(outbox.isEmpty)
        // One log line for the sync, with its counts (one per command only at debug).
        let child = daemon.child
        let delivered = try await blocking { try child.readLine(until: { $0.contains("\"message\":\"delivered") }, timeout: .seconds(30)) }
        let line = try #require(try JSONSerialization.jsonObject(with: Data(delivered.utf8)) as? [String: Any])
        #expect(line["message"] as? String == "delivered")
        #expect((Int(line["acknowledged"] as? String ?? "") ?? 0) > 0)
        #expect(line["failed"] as? String == "0")
        let worker = try await daemon.json("v1/workers/E1")
        #expect((worker["lms"] as? [String: Any])?["active"] as? Bool == true)
        #expect(((worker["user"] as? [String: Any])?["groups"] as? [[String: Any]])?.count == 2)
        let history = try #require(try await daemon.json("v1/workers/E1/history")["events"] as? [[String: Any]])
        #expect(history.contains { $0["type"] as? String == "lms.user-created.v1" })
        #expect((try await daemon.json("v1/state")["users"] as? [Any])?.count == 10)
        #expect(try await daemon.request("GET", "v1/state?as_of=yesterday").0 == 400)
        #expect(try await daemon.request("GET", "v1/state?asof=2020-01-01").0 == 400, "a misspelt parameter does not answer for now")
        #expect(try await daemon.request("GET", "v1/state?effective_at=2026-11-30T00:00:00Z").0 == 400, "a date, not an instant")
        #expect(try await daemon.request("GET", "v1/workers/E999").0 == 404)
        // Paths and methods the API does not have: problem answers, 405 naming the methods a path takes.
        let (missing, missingBody) = try await daemon.request("GET", "v1/nope")
        #expect(missing == 404 && String(decoding: missingBody, as: UTF8.self).contains("docs/openapi.yaml lists the endpoints"))
        let (wrongMethod, wrongBody) = try await daemon.request("DELETE", "v1/state")
        #expect(wrongMethod == 405 && String(decoding: wrongBody, as: UTF8.self).contains("/v1/state takes GET"), "\(String(decoding: wrongBody, as: UTF8.self))")
        // One worker as of an instant, as `roster state --id --as-of`.
        #expect(try await daemon.request("GET", "v1/workers/E1?as_of=2000-01-01").0 == 404)
        let now = Timestamp.now().iso8601
        #expect(try await daemon.json("v1/workers/E1?as_of=\(now)")["as_of"] as? String == now)
        #expect(worker["no_user_reason"] is NSNull)
        let contractor = try await daemon.json("v1/workers/C1")
        #expect(contractor["user"] is NSNull)
        #expect((contractor["no_user_reason"] as? String)?.hasPrefix("out of scope: scope.include: employment_type") == true)

        // The CLI reads beside the daemon, and says who holds the journal when it would write.
        #expect(try await run(["state", "--id", "E1"]).status == 0)
        #expect(try await run(["batches"]).status == 0)
        #expect(try await run(["workers", "--id", "E1"]).status == 0)
        let reject = try await run(["reject", String(held)])
        #expect(reject.status == 2 && reject.standardError.contains("in use by another process"), "\(reject.standardError)")

        // A held batch decided over HTTP.
        let batches = try #require(try await daemon.json("v1/batches")["batches"] as? [[String: Any]])
        #expect(batches.contains { $0["batch"] as? String == String(held) && $0["state"] as? String == "held" })
        #expect(try await daemon.request("POST", "v1/batches/\(held)/reject", body: #"{"by":" "}"#).0 == 400, "the journal keeps who decided")
        #expect(try await daemon.request("POST", "v1/batches/nope/approve").0 == 404)
        #expect(try await daemon.request("POST", "v1/workers/E999/restore").0 == 404)
        let (status, _) = try await daemon.request("POST", "v1/batches/\(held)/reject", body: #"{"by":"ops@example.com"}"#)
        #expect(status == 200)
        #expect(try await daemon.request("POST", "v1/batches/\(held)/reject").0 == 422, "no longer held")
        // Rejected, it still says why it was held, then who rejected it.
        let decided = try #require((try await daemon.json("v1/batches")["batches"] as? [[String: Any]])?.first { $0["batch"] as? String == String(held) })
        let reasons = try #require(decided["reasons"] as? [String])
        #expect(reasons.count >= 2 && reasons.last?.contains("ops@example.com") == true, "\(reasons)")
        // The other, approved over HTTP: its changes are journaled with the approval.
        let (approved, approvedBody) = try await daemon.request("POST", "v1/batches/\(approvable)/approve", body: #"{"by":"ops@example.com"}"#)
        #expect(approved == 200, "\(String(decoding: approvedBody, as: UTF8.self))")
        let approval = try #require(try JSONSerialization.jsonObject(with: approvedBody) as? [String: Any])
        #expect(approval["state"] as? String == "applied" && (approval["counts"] as? [String: Any])?["absences"] as? Int == 9, "\(approval)")
        let after = try #require((try await daemon.json("v1/batches")["batches"] as? [[String: Any]])?.first { $0["batch"] as? String == String(approvable) })
        #expect(after["state"] as? String == "applied")

        // A webhook to a feed nobody configured is counted under one route, not one per name sent.
        #expect(try await daemon.request("POST", "hooks/nobody-\(UInt32.random(in: 0...UInt32.max))", token: .none, body: "{}").0 == 404)
        let metrics = String(decoding: try await daemon.request("GET", "metrics").1, as: UTF8.self)
        #expect(metrics.contains("route=\"POST /hooks/:feed\",status=\"404\"") && !metrics.contains("/hooks/nobody-"), "\(metrics)")
        #expect(metrics.contains("roster_deliveries_total{result=\"acknowledged\"}"))
        #expect(metrics.contains("roster_outbox_depth 0"))
        #expect(metrics.contains("roster_events_journaled_total{type=\"batch.rejected.v1\"} 1"))
        #expect(metrics.contains("roster_batches_held 0"), "decided")

        // SIGTERM: it stops taking work, finishes, and exits 0 with the journal consistent.
        let exit = try await daemon.stop()
        #expect(exit == 0, "\(daemon.child.standardError())")
        #expect(try await run(["outbox"]).standardOutput.contains("0 commands"))
        #expect(try await run(["batches"]).standardOutput.contains("REJECTED"))
        let journalPath = directory.child("data/journal")
        let verify = try await blocking { try runCommand(BuiltProducts.executable("roster-journal"), ["verify", "--journal", journalPath]) }
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
    }
}
