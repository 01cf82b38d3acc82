import Foundation
import Journal
import JournalTestSupport
import Testing

/// `roster`, run as the real executable against a real configuration, journal and files.
@Suite struct RosterCommandTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    let config: String

    static let header = "employee_id,legal_first_name,legal_last_name,email,job_title,location,manager_id,employment_type,status,hire_date,termination_date"

    init() throws {
        config = directory.child("roster.yml")
        try """
            data: ./data
            default_time_zone: Europe/London
            locations: { SYD: Australia/Sydney, LAX: America/Los_Angeles, LON: Europe/London, NYC: America/New_York }
            feeds:
              - name: hr
                kind: csv-snapshot
                preset: generic
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func file(_ name: String, _ rows: [String]) throws -> String {
        let path = directory.child(name)
        try ([Self.header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try runCommand(roster, arguments + ["--config", config])
    }

    static func company(_ size: Int) -> [String] {
        (1...size).map { "E\($0),First\($0),Last\($0),w\($0)@example.com,Analyst,LON,,full_time,active,2020-01-06," }
    }

    @Test func ingestAppliesReportsAndIsIdempotent() throws {
        let day1 = try file("day1.csv", Self.company(30))
        let first = try run(["ingest", "--feed", "hr", day1])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("day1.csv: applied as batch hr-"))
        #expect(first.standardOutput.contains("30 created, 0 changed"))
        let again = try run(["ingest", "--feed", "hr", day1])
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("already ingested"))
        let workers = try run(["workers", "--id", "E7"])
        #expect(workers.standardOutput.hasPrefix("E7  First7 Last7  active  full_time  Analyst  LON (Europe/London)"))
    }

    @Test func quarantinedRowsHeldBatchesAndRejectedFilesHaveTheirExitCodes() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company(30))])
        var rows = Self.company(30)
        rows[4] = "E5,First5,Last5,not-an-email,Analyst,LON,,full_time,active,2020-01-06,"
        let quarantined = try run(["ingest", "--feed", "hr", try file("day2.csv", rows)])
        #expect(quarantined.status == 3)
        #expect(quarantined.standardOutput.contains("quarantined day2.csv, line 6, column \"email\""))

        let truncated = try run(["ingest", "--feed", "hr", try file("day3.csv", Array(Self.company(30).prefix(3)))])
        #expect(truncated.status == 4)
        #expect(truncated.standardOutput.contains("HELD"))
        #expect(truncated.standardOutput.contains("absences: 27 exceeds"))

        let headerOnly = try run(["ingest", "--feed", "hr", try file("day4.csv", [])])
        #expect(headerOnly.status == 5)
        #expect(headerOnly.standardOutput.contains("REJECTED"))
        #expect(headerOnly.standardOutput.contains("day4.csv, line 1: the file has a header and no rows"))

        let batches = try run(["batches", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(batches.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.map { $0["state"] as? String } == ["applied", "applied", "held", "rejected"])
        // The held batch changed nothing.
        let absent = try run(["workers", "--json"])
        #expect(!absent.standardOutput.contains("absent_from"))
    }

    @Test func aHeldBatchTakesEffectOnlyWhenApproved() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company(30))])
        let held = try run(["ingest", "--feed", "hr", try file("day2.csv", Array(Self.company(30).prefix(3)))])
        let batch = try #require(held.standardOutput.split(separator: " ").first { $0.hasPrefix("hr-") }.map { String($0.dropLast()) })
        let approved = try run(["approve", batch, "--by", "dana@example.com"])
        #expect(approved.status == 0, "\(approved.standardError)")
        #expect(approved.standardOutput.contains("approved by dana@example.com and applied: 0 created, 0 changed, 0 terminated, 27 absent"))
        let workers = try run(["workers", "--id", "E30"])
        #expect(workers.standardOutput.contains("ABSENT from hr"))
        let twice = try run(["approve", batch])
        #expect(twice.status == 2)
        #expect(twice.standardError.contains("is applied, not held"))
    }

    @Test func aRejectedBatchNeverTakesEffect() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company(30))])
        let held = try run(["ingest", "--feed", "hr", try file("day2.csv", Array(Self.company(30).prefix(3)))])
        let batch = try #require(held.standardOutput.split(separator: " ").first { $0.hasPrefix("hr-") }.map { String($0.dropLast()) })
        let rejected = try run(["reject", batch, "--by", "dana@example.com"])
        #expect(rejected.status == 0, "\(rejected.standardError)")
        let workers = try run(["workers"])
        #expect(!workers.standardOutput.contains("ABSENT"))
        let batches = try run(["batches"])
        #expect(batches.standardOutput.contains("REJECTED"))
        #expect(batches.standardOutput.contains("rejected by dana@example.com"))
    }

    @Test func theAuditFindsWhatWouldMakeDuplicateAccounts() throws {
        let audited = try file("audit.csv", [
            "E1,Ann,Lee,ann@example.com,Analyst,LON,M1,full_time,active,2020-01-06,",
            "E2,Ann,Lee,ann.lee@example.com,Analyst,LON,M1,full_time,active,2021-01-06,",
            "E3,Bo,Kim,ann@example.com,Trainer,NYC,M1,full_time,active,2021-01-06,",
            "E4,Cy,,cy@example.com,Trainer,NYC,M1,full_time,active,2021-01-06,",
            "E5,Di,Ng,di@,Trainer,NYC,M1,full_time,active,2021-01-06,",
            "E6,Ed,Ox,ed@example.com,Trainer,NYC,M1,full_time,active,2021-01-06,",
            "E6,Ed,Ox,ed.ox@example.com,Trainer,NYC,M1,full_time,active,2021-01-06,",
        ])
        let report = try run(["audit", "--feed", "hr", audited])
        #expect(report.status == 1)
        #expect(report.standardOutput.contains("duplicate employee IDs: 2"))
        #expect(report.standardOutput.contains("ann@example.com: E1, E3 (lines 2, 4)"))
        #expect(report.standardOutput.contains("Ann Lee: E1 and E2 (lines 2, 3), same manager M1, title Analyst, location LON"))
        #expect(report.standardOutput.contains("missing required fields: 1"))
        #expect(report.standardOutput.contains("invalid emails: 1"))
        let json = try run(["audit", "--feed", "hr", audited, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["clean"] as? Bool == false)
        #expect((object["shared_emails"] as? [[String: Any]])?.count == 1)
        // An audit journals nothing.
        let batches = try run(["batches"])
        #expect(batches.standardOutput.contains("no batches yet"))
    }

    @Test func configurationMistakesStopWithTheirLine() throws {
        try "feeds:\n  - name: hr\n    kind: weekly\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try run(["workers"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("roster.yml:3:11: feeds[0].kind: \"weekly\" is not a feed kind"))
    }
}
