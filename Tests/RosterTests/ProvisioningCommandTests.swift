import Foundation
import Journal
import JournalTestSupport
import Testing

/// `roster plan`, `sync`, `outbox`, `state --believed` and the LMS part of `why`, run as the real
/// executable against the embedded CSV-export LMS.
@Suite struct ProvisioningCommandTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    let config: String

    init() throws {
        config = try TestConfiguration.write(
            in: directory, lms: ["connector: csv-export", "directory: exports", "delivery: { max_attempts: 2, backoff_seconds: 1 }"])
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try runCommand(roster, arguments + ["--config", config])
    }

    func file(_ name: String, _ rows: [String]) throws -> String {
        let path = directory.child(name)
        try ([LMSStateCommandTests.header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any], "\(result.standardError)")
    }

    @Test func planSyncAndTheBelievedStateThroughTheCommandLine() throws {
        #expect(try run(["ingest", "--feed", "hr", try file("day1.csv", LMSStateCommandTests.company())]).status == 0)
        let plan = try #require(try json(["plan"])["commands"] as? [[String: Any]])
        // Ten employees, each created and put in two groups; the contractor and the future hire get nothing.
        #expect(plan.count == 30 + 10, "with onboarding for this month's hires")
        #expect(plan.filter { $0["action"] as? String == "create" }.count == 10)
        #expect(!plan.contains { ($0["employee_id"] as? String) == "C1" || ($0["employee_id"] as? String) == "S1" })

        let sync = try run(["sync"])
        #expect(sync.status == 0, "\(sync.standardError)")
        #expect(sync.standardOutput.contains("E1: create user w1@example.com (First1 Last1): done"))
        #expect(sync.standardOutput.contains("40 LMS changes acknowledged, 0 failed"))
        #expect(try run(["plan"]).standardOutput.contains("nothing to send"))
        let exports = try FileManager.default.contentsOfDirectory(atPath: directory.child("exports"))
        #expect(exports.count == 1)
        let users = try String(contentsOfFile: directory.child("exports/\(exports[0])/moodle/users.csv"), encoding: .utf8)
        let lines = users.split(whereSeparator: \.isNewline)
        #expect(lines.first == "username,email,firstname,lastname,idnumber,department,suspended,cohort1,cohort2,course1,role1")
        #expect(lines.contains("w1@example.com,w1@example.com,First1,Last1,E1,Information Technology,0,IT Dept,London,Onboarding_Path,student"))

        // Day two: a promotion; then what the LMS believed before and after.
        let before = Timestamp.now().iso8601
        #expect(try run(["ingest", "--feed", "hr", try file("day2.csv", LMSStateCommandTests.company(title1: "Team Manager"))]).status == 0)
        #expect(try run(["sync", "--json"]).status == 0)
        func courses(_ arguments: [String]) throws -> [String] {
            let users = try #require(try json(["state", "--believed"] + arguments)["users"] as? [[String: Any]])
            return try #require(users.first { $0["employee_id"] as? String == "E1" }?["courses"] as? [String])
        }
        #expect(try courses([]) == ["Leadership_101", "Onboarding_Path"])
        #expect(try courses(["--as-of", before]) == ["Onboarding_Path"])
        let why = try run(["why", "E1", "Leadership_101"])
        #expect(why.standardOutput.contains(#"sent     "E1 add course:Leadership_101" to csv-export (export "#))
        #expect(why.standardOutput.contains("lms.membership-added.v1"))

        // Day three: a transfer out of London. Moodle's upload cannot take E2 out of the cohort:
        // the sync says so, and where the list is, rather than only "done".
        #expect(try run(["ingest", "--feed", "hr", try file("day3.csv", LMSStateCommandTests.company(title1: "Team Manager", location2: "NYC"))]).status == 0)
        let moved = try run(["sync"])
        #expect(moved.standardOutput.contains("E2: remove from group:London: done"), "\(moved.standardOutput)")
        #expect(moved.standardOutput.contains("Moodle: 1 removal its upload cannot make") && moved.standardOutput.contains("/manifest.json"), "\(moved.standardOutput)")
    }

    @Test func aDeadLetterIsListedAndRetried() throws {
        #expect(try run(["ingest", "--feed", "hr", try file("day1.csv", Array(LMSStateCommandTests.company().prefix(1)))]).status == 0)
        // The export directory is a file: the LMS cannot be written.
        _ = FileManager.default.createFile(atPath: directory.child("exports"), contents: Data())
        let first = try run(["sync"])
        #expect(first.status == 6)
        #expect(first.standardOutput.contains("FAILED"))
        // The second attempt is the last (max_attempts 2); poll past the backoff, no fixed sleep.
        let deadline = Date().addingTimeInterval(30)
        var outbox = try run(["outbox"]).standardOutput
        while !outbox.contains("0 due now, 0 waiting for a retry, 4 dead letters"), Date() < deadline {
            _ = try run(["sync"])
            outbox = try run(["outbox"]).standardOutput
        }
        #expect(outbox.contains("DEAD after attempt 2: the export could not be written in \(directory.child("exports")): \(directory.child("exports")) exists and is not a directory"))
        #expect(outbox.contains(#"roster outbox retry "E1 create""#))
        try FileManager.default.removeItem(atPath: directory.child("exports"))
        let retry = try run(["outbox", "retry", "--by", "ops"])
        #expect(retry.status == 0 && retry.standardOutput.contains("dead letters back in the outbox"))
        let sync = try run(["sync"])
        #expect(sync.status == 0, "\(sync.standardOutput)")
        #expect(try run(["outbox"]).standardOutput.contains("0 commands"))
        #expect(try run(["history", "E1"]).standardOutput.contains("ops asked for the dead letter to go again"))
    }
}
