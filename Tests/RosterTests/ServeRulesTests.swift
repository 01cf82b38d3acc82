import Foundation
import Journal
import JournalTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Rules planned and adopted over the admin API of the real `roster serve`: the candidate's
/// store is built while the live rules keep serving, a threshold refuses until confirmed, and
/// the CLI, which cannot write beside the daemon, says where to go.
@Suite struct ServeRulesTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    let config: String
    static let token = "test-admin-token-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        config = try TestConfiguration.write(
            in: directory, lms: ["connector: csv-export", "directory: exports"], serve: Self.token,
            top: ["safety:", "  terminations: { absolute: 2, percent: 5 }"])
    }

    func run(_ arguments: [String]) async throws -> CommandResult {
        let (roster, config) = (self.roster, self.config)
        return try await blocking { try runCommand(roster, arguments + ["--config", config]) }
    }

    /// A JSON request body.
    static func body(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func groups(_ state: [String: Any], of id: String) -> [String] {
        let users = (state["users"] as? [[String: Any]]) ?? []
        return LMSStateCommandTests.groups(users.first { $0["employee_id"] as? String == id })
    }

    @Test func rulesArePlannedAndAdoptedOverTheAdminAPIWhileTheLiveOnesServe() async throws {
        let day1 = directory.child("day1.csv")
        // The London and New York company (no Sydney office here).
        let company = LMSStateCommandTests.company().filter { !$0.hasPrefix("S1,") }
        try ([LMSStateCommandTests.header] + company).joined(separator: "\n").appending("\n")
            .write(toFile: day1, atomically: true, encoding: .utf8)
        #expect(try await run(["ingest", "--feed", "hr", day1]).status == 0)
        let daemon = try await RunningDaemon.start(config: config, token: Self.token)

        // The rules in force, with their text.
        let live = try await daemon.json("v1/rules")
        #expect(live["text"] as? String == LMSStateCommandTests.rules)
        #expect((live["source"] as? String)?.hasSuffix("rules.yml") == true)
        let liveVersion = try #require(live["version"] as? String)

        // A plan: the candidate replayed over the whole journal, against the live state.
        let renamed = LMSStateCommandTests.rules.replacingOccurrences(of: "Information Technology: IT Dept", with: "Information Technology: Technology")
        let (planned, planBody) = try await daemon.request("POST", "v1/rules/plan", body: try Self.body(["rules": renamed]))
        #expect(planned == 200, "\(String(decoding: planBody, as: UTF8.self))")
        let plan = try Self.object(planBody)
        #expect(plan["live"] as? String == liveVersion)
        #expect((plan["groups_added"] as? [[String: Any]])?.count == 10 && (plan["groups_removed"] as? [[String: Any]])?.count == 10)
        #expect((plan["thresholds_crossed"] as? [String])?.isEmpty == true)
        // Blue/green: the candidate's store is built, and the live rules still answer.
        let candidateVersion = try #require(plan["candidate"] as? String)
        #expect(FileManager.default.fileExists(atPath: directory.child("data/projections/" + candidateVersion.prefix(16))))
        #expect(Self.groups(try await daemon.json("v1/state"), of: "E1") == ["IT Dept", "London"])

        // Bad candidates are refused with the reason, nothing adopted.
        let (unreadable, unreadableBody) = try await daemon.request("POST", "v1/rules/plan", body: try Self.body(["rules": "scope: [unclosed"]))
        #expect(unreadable == 422, "\(String(decoding: unreadableBody, as: UTF8.self))")
        #expect(try await daemon.request("POST", "v1/rules/plan", body: "{}").0 == 400)
        #expect(try await daemon.request("POST", "v1/rules/adopt", body: try Self.body(["rules": renamed, "by": " "])).0 == 400)
        #expect(try await daemon.request("POST", "v1/rules/adopt", body: try Self.body(["rules": renamed, "confirm": "yes"])).0 == 400)
        #expect(try await daemon.request("POST", "v1/rules/adopt", body: #"{"rules": "names: legal", "confirm": 1}"#).0 == 400, "only true confirms")

        // Adopted: the daemon serves and provisions under the new rules at once.
        let (adopted, adoptedBody) = try await daemon.request(
            "POST", "v1/rules/adopt", body: try Self.body(["rules": renamed, "by": "l-and-d@example.com", "source": "rules-v2.yml"]))
        #expect(adopted == 200, "\(String(decoding: adoptedBody, as: UTF8.self))")
        let adoption = try Self.object(adoptedBody)
        #expect(adoption["adopted"] as? Bool == true)
        #expect((adoption["rules"] as? [String: Any])?["version"] as? String == candidateVersion)
        #expect(Self.groups(try await daemon.json("v1/state"), of: "E1") == ["London", "Technology"])
        let now = try await daemon.json("v1/rules")
        #expect(now["version"] as? String == candidateVersion && now["adopted_by"] as? String == "l-and-d@example.com")
        #expect(now["source"] as? String == "rules-v2.yml" && now["text"] as? String == renamed)
        // Before the adoption, the first rules still answer.
        let before = try #require(live["adopted_at"] as? String)
        let believed = try await daemon.json("v1/state?as_of=\(before)")
        #expect(Self.groups(believed, of: "E1") == ["IT Dept", "London"])
        #expect((believed["rules"] as? [String: Any])?["version"] as? String == liveVersion)
        // The same text again: nothing adopted, and said so.
        let (again, againBody) = try await daemon.request("POST", "v1/rules/adopt", body: try Self.body(["rules": renamed]))
        let unchanged = try Self.object(againBody)
        #expect(again == 200 && unchanged["adopted"] as? Bool == false)

        // Rules that would deactivate the whole company cross the terminations threshold: refused
        // with the plan, until confirmed.
        let nobody = renamed.replacingOccurrences(of: "employment_type: [full_time, part_time]", with: "employment_type: [intern]")
        let (refused, refusedBody) = try await daemon.request("POST", "v1/rules/adopt", body: try Self.body(["rules": nobody]))
        #expect(refused == 409, "\(String(decoding: refusedBody, as: UTF8.self))")
        let problem = try Self.object(refusedBody)
        #expect((problem["detail"] as? String)?.contains("deactivations: 10 exceeds 2 and 5% of the population") == true, "\(problem)")
        #expect(((problem["plan"] as? [String: Any])?["users_removed"] as? [String])?.count == 10)
        #expect(Self.groups(try await daemon.json("v1/state"), of: "E1") == ["London", "Technology"], "nothing adopted")

        // The CLI cannot write beside the daemon, and says where to adopt.
        let file = directory.child("nobody.yml")
        try nobody.write(toFile: file, atomically: true, encoding: .utf8)
        let cli = try await run(["rebuild", "--rules", file, "--apply", "--confirm"])
        #expect(cli.status == 2 && cli.standardError.contains("POST /v1/rules/adopt"), "\(cli.standardError)")
        // Reading beside it still works: its plan.
        #expect(try await run(["rebuild", "--rules", file, "--plan"]).status == 0)

        let (confirmed, confirmedBody) = try await daemon.request("POST", "v1/rules/adopt", body: try Self.body(["rules": nobody, "confirm": true]))
        #expect(confirmed == 200, "\(String(decoding: confirmedBody, as: UTF8.self))")
        // No one is in scope: no desired user, and the LMS accounts are deactivated.
        #expect((try await daemon.json("v1/state")["users"] as? [Any])?.isEmpty == true)
        let worker = try await daemon.json("v1/workers/E1")
        #expect((worker["no_user_reason"] as? String)?.hasPrefix("out of scope: scope.include: employment_type in [intern]") == true, "\(worker)")
        let deadline = Date().addingTimeInterval(60)
        var active: Bool? = true
        while active != false, Date() < deadline {
            active = (try await daemon.json("v1/workers/E1")["lms"] as? [String: Any])?["active"] as? Bool
        }
        #expect(active == false, "the LMS account is deactivated by the daemon's delivery")

        #expect(try await daemon.stop() == 0)
    }
}
