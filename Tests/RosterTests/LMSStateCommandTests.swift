import Configuration
import Foundation
import Journal
import JournalTestSupport
import RosterKit
import Testing

/// `roster state`, `history`, `why`, `tick`, `restore` and `rebuild`, run as the real executable
/// on CSV files ingested through a real configuration with rules.
@Suite struct LMSStateCommandTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    let config: String

    static let header = "employee_id,legal_first_name,legal_last_name,email,job_title,department_name,location,employment_type,status,hire_date,termination_date"

    static let rules = """
        names: preferred
        scope:
          include:
            employment_type: [full_time, part_time]
        groups:
          - id: departments
            attribute: department_name
            map: { Information Technology: IT Dept, Sales: Sales Team }
          - id: locations
            attribute: location
            map: { LON: London, NYC: New York, SYD: Sydney, LAX: Los Angeles }
        triggers:
          - id: onboarding
            on: hire
            course: Onboarding_Path
            due_days: 14
          - id: leadership
            on: change
            attribute: job_title
            matches: manager
            course: Leadership_101
            due_days: 30
          - id: nyc-compliance
            on: transfer
            locations: [NYC]
            course: NY_Harassment_Prevention
            due_days: 30
        absence:
          snapshots: 2
          days: never
        """

    init() throws {
        config = directory.child("roster.yml")
        try """
            data: ./data
            default_time_zone: Europe/London
            locations: { SYD: Australia/Sydney, LAX: America/Los_Angeles, LON: Europe/London, NYC: America/New_York }
            rules: rules.yml
            safety:
              terminations: { absolute: 5, percent: 5 }
            feeds:
              - name: hr
                kind: csv-snapshot
                preset: generic
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try Self.rules.write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
    }

    func file(_ name: String, _ rows: [String]) throws -> String {
        let path = directory.child(name)
        try ([Self.header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try runCommand(roster, arguments + ["--config", config])
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    func users(_ arguments: [String] = []) throws -> [String: [String: Any]] {
        let users = try #require(try json(["state"] + arguments)["users"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: users.map { ($0["employee_id"] as! String, $0) })
    }

    static func courses(_ user: [String: Any]?) -> [String] {
        ((user?["assignments"] as? [[String: Any]]) ?? []).map { $0["course"] as! String }
    }

    static func groups(_ user: [String: Any]?) -> [String] {
        ((user?["groups"] as? [[String: Any]]) ?? []).map { $0["name"] as! String }
    }

    /// Ten workers hired this month in London, one contractor, and one starting far in the future in Sydney.
    static func company(title1: String = "Analyst", location2: String = "LON", missing: Set<Int> = []) -> [String] {
        var rows = (1...10).filter { !missing.contains($0) }.map { index in
            "E\(index),First\(index),Last\(index),w\(index)@example.com,\(index == 1 ? title1 : "Analyst"),Information Technology,"
                + "\(index == 2 ? location2 : "LON"),full_time,active,2026-11-20,"
        }
        rows.append("C1,Casey,Contract,c1@example.com,Consultant,Sales,LON,contractor,active,2026-11-20,")
        rows.append("S1,Sam,Sydney,s1@example.com,Analyst,Sales,SYD,full_time,active,2030-03-02,")
        return rows
    }

    @Test func stateShowsUsersGroupsAndCoursesWithTheirRules() throws {
        #expect(try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())]).status == 0)
        let users = try users()
        #expect(users.count == 10)
        #expect(users["C1"] == nil, "contractors are out of scope")
        #expect(users["S1"] == nil, "a future hire waits for their first day")
        #expect(users["E1"]?["status"] as? String == "active")
        #expect(Self.groups(users["E1"]) == ["IT Dept", "London"])
        #expect(Self.courses(users["E1"]) == ["Onboarding_Path"])
        let onboarding = try #require((users["E1"]?["assignments"] as? [[String: Any]])?.first?["provenance"] as? [String: Any])
        #expect(onboarding["rule"] as? String == "onboarding")

        let text = try run(["state"])
        #expect(text.standardOutput.contains("10 users: 10 active, 0 deactivated, 0 archived; 2 workers without a user"))
        // JSON says as much as the text: the counts, and what no mapping table knows.
        let json = try json(["state"])
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary == ["users": 10, "active": 10, "deactivated": 0, "archived": 0, "workers_without_user": 2])
        #expect((json["unmapped"] as? [Any])?.isEmpty == true)
    }

    @Test func aCodeNoMappingTableKnowsIsReportedNotDropped() throws {
        let finance = (1...4).map { "F\($0),Fin\($0),Ance,f\($0)@example.com,Accountant,Finance,LON,full_time,active,2026-11-20," }
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company() + finance)])
        // Still provisioned, in the groups that do map.
        #expect(Self.groups(try users()["F1"]) == ["London"])
        let text = try run(["state"]).standardOutput
        #expect(text.contains("unmapped in departments: \"Finance\" (4 users, e.g. F1, F2, F3); add it to the mapping table"), "\(text)")
        let unmapped = try #require(try json(["state"])["unmapped"] as? [[String: Any]])
        #expect(unmapped.count == 1)
        #expect(unmapped.first?["mapping"] as? String == "departments" && unmapped.first?["value"] as? String == "Finance")
    }

    @Test func aPromotionAndATransferAreExplainedByWhyAndHistory() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        let day2 = try run(["ingest", "--feed", "hr", try file("day2.csv", Self.company(title1: "Engineering Manager", location2: "NYC"))])
        #expect(day2.status == 0, "\(day2.standardError)")
        let users = try users()
        #expect(Self.courses(users["E1"]) == ["Leadership_101", "Onboarding_Path"])
        #expect(Self.groups(users["E2"]) == ["IT Dept", "New York"])
        #expect(Self.courses(users["E2"]).contains("NY_Harassment_Prevention"))

        let why = try run(["why", "E1", "Leadership_101"])
        #expect(why.status == 0, "\(why.standardError)")
        #expect(why.standardOutput.contains("E1: course Leadership_101 assigned, due"))
        #expect(why.standardOutput.contains("worker.changed.v1"))
        #expect(why.standardOutput.contains("job_title: Analyst -> Engineering Manager"))
        #expect(why.standardOutput.contains("source: day2.csv line 2, feed hr"))
        #expect(why.standardOutput.contains("by rule  leadership: when job_title changes"))
        #expect(why.standardOutput.contains("adopted"))

        let history = try run(["history", "E2"])
        #expect(history.status == 0)
        #expect(history.standardOutput.contains("worker.hired.v1"))
        #expect(history.standardOutput.contains("location: LON -> NYC"))
        #expect(history.standardOutput.contains("source: day2.csv line 3, feed hr"), "each event names its file and line")
        #expect(history.standardOutput.contains("LMS: removed from group London"))
        #expect(history.standardOutput.contains("LMS: added to group New York [rule locations"))
        #expect(history.standardOutput.contains("LMS: course NY_Harassment_Prevention assigned"))
        // As data too: each derived fact with its rule.
        let events = try #require(try json(["history", "E2"])["events"] as? [[String: Any]])
        let facts = events.flatMap { ($0["derived"] as? [[String: Any]] ?? []).flatMap { $0["facts"] as? [[String: Any]] ?? [] } }
        let compliance = try #require(facts.first { $0["change"] as? String == "assigned" && $0["course"] as? String == "NY_Harassment_Prevention" })
        #expect((compliance["provenance"] as? [String: Any])?["rule"] as? String == "nyc-compliance")
        #expect(facts.contains { $0["change"] as? String == "group_removed" && $0["group"] as? String == "London" })

        let missing = try run(["why", "E1", "Nonexistent_Course"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("it has: course:Leadership_101, course:Onboarding_Path, group:IT Dept, group:London"))
        // A group or a course named as such (for a course and a group of one name).
        let group = try run(["why", "E1", "group:London"])
        #expect(group.status == 0 && group.standardOutput.contains("E1: member of group London"), "\(group.standardError)")
        let notACourse = try run(["why", "E1", "course:London"])
        #expect(notACourse.status == 2 && notACourse.standardError.contains("E1 has no course \"London\""))
    }

    @Test func asOfShowsWhatRosterBelievedThen() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        let between = Timestamp.now().iso8601
        _ = try run(["ingest", "--feed", "hr", try file("day2.csv", Self.company(title1: "Engineering Manager"))])
        #expect(Self.courses(try users(["--as-of", between])["E1"]) == ["Onboarding_Path"])
        #expect(Self.courses(try users()["E1"]) == ["Leadership_101", "Onboarding_Path"])
        // One worker, from their own events: the same answers.
        #expect(Self.courses(try users(["--id", "E1", "--as-of", between])["E1"]) == ["Onboarding_Path"])
        #expect(Self.courses(try users(["--id", "E1"])["E1"]) == ["Leadership_101", "Onboarding_Path"])
        // A worker without a user is told why: an answer, not a failure, in JSON too.
        let contractor = try run(["state", "--id", "C1"])
        #expect(contractor.status == 0)
        #expect(contractor.standardOutput.contains("C1 has no LMS user: out of scope: scope.include: employment_type in [full_time, part_time] does not hold (employment_type is contractor)"))
        let asJSON = try json(["state", "--id", "C1"])
        #expect((asJSON["users"] as? [Any])?.isEmpty == true)
        #expect((asJSON["no_user_reason"] as? String)?.hasPrefix("out of scope: scope.include") == true, "the admin API's name and form")
        let early = try run(["why", "S1", "status", "--as-of", between])
        #expect(early.status == 0)
        #expect(early.standardOutput.contains("S1 has no LMS user as of "))
        #expect(early.standardOutput.contains(": not started yet (first day 2030-03-02 in Australia/Sydney); the LMS user is due at 2030-03-01T13:00:00.000000Z"))
        // In valid time, a worker HR had not hired yet is not "no worker".
        let notYet = try run(["state", "--effective-at", "2026-11-19", "--id", "E1"])
        #expect(notYet.status == 0 && notYet.standardOutput.contains("E1 has no LMS user on 2026-11-19 (valid time)"), "\(notYet.standardOutput)")
        #expect(try run(["state", "--effective-at", "2026-11-19", "--id", "E99"]).status == 2)
        #expect(try run(["state", "--believed", "--id", "E99"]).status == 2)
        // Both times at once: what Roster believed then about a date. As known at `between`, the
        // promotion (recorded after it) had not happened on any date.
        var london = Calendar(identifier: .gregorian)
        london.timeZone = TimeZone(identifier: "Europe/London")!
        let parts = london.dateComponents([.year, .month, .day], from: Date())
        let today = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        #expect(Self.courses(try users(["--effective-at", today])["E1"]) == ["Leadership_101", "Onboarding_Path"])
        #expect(Self.courses(try users(["--effective-at", today, "--as-of", between])["E1"]) == ["Onboarding_Path"])
        #expect(try users(["--effective-at", "2026-11-19", "--as-of", between])["E1"] == nil, "not hired yet on that date")
        // A date is a date: a time after it is refused, not dropped.
        let timed = try run(["state", "--effective-at", "2026-11-30T12:00:00Z"])
        #expect(timed.status == 64 && timed.standardError.contains("is not a date; write yyyy-MM-dd"), "\(timed.standardError)")
        // Facts looked up as of an instant say so.
        let notThen = try run(["why", "E1", "Leadership_101", "--as-of", between])
        #expect(notThen.status == 2 && notThen.standardError.contains("has no course or group \"Leadership_101\" as of "), "\(notThen.standardError)")
        #expect(notThen.standardError.contains("it has: course:Onboarding_Path, group:IT Dept, group:London"))
        let before = try run(["why", "E1", "status", "--as-of", "2000-01-01"])
        #expect(before.standardError.contains("Roster knew no worker E1 as of 2000-01-01T00:00:00.000000Z"))
        #expect(try run(["why", "E99", "status"]).standardError.contains("no worker E99; `roster workers` lists them"))
    }

    @Test func tickFiresAFutureHireAtItsLocalMidnight() throws {
        let angeles = "L1,Lee,Angeles,l1@example.com,Analyst,Sales,LAX,full_time,active,2030-03-02,"
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company() + [angeles])])
        // Ahead of the clock only when asked: what fires is journaled for good.
        let ahead = try run(["tick", "--now", "2030-03-01T13:00:00Z"])
        #expect(ahead.status == 2 && ahead.standardError.contains("later than the clock") && ahead.standardError.contains("--allow-future"))
        #expect(try users()["S1"] == nil)
        // 2 March 2030 starts in Sydney at 13:00 UTC on 1 March (UTC+11).
        let early = try run(["tick", "--now", "2030-03-01T12:59:59Z", "--allow-future"])
        #expect(early.standardOutput.contains("nothing due"))
        let due = try run(["tick", "--now", "2030-03-01T13:00:00Z", "--allow-future"])
        #expect(due.status == 0)
        #expect(due.standardOutput.contains("S1: activate, due 2030-03-01T13:00:00.000000Z [rule hire]"))
        #expect(try users()["S1"]?["status"] as? String == "active")
        let again = try run(["tick", "--now", "2030-03-01T13:00:00Z", "--allow-future"])
        #expect(again.standardOutput.contains("nothing due"))
        // The same first day in Los Angeles starts sixteen hours later: 08:00 UTC (UTC-8).
        #expect(try users()["L1"] == nil)
        #expect(try run(["tick", "--now", "2030-03-02T07:59:59Z", "--allow-future"]).standardOutput.contains("nothing due"))
        let angelesDue = try run(["tick", "--now", "2030-03-02T08:00:00Z", "--allow-future"])
        #expect(angelesDue.standardOutput.contains("L1: activate, due 2030-03-02T08:00:00.000000Z [rule hire]"), "\(angelesDue.standardOutput)")
        #expect(Self.groups(try users()["L1"]) == ["Los Angeles", "Sales Team"])
        // What the journal says: the effect, and when it was due.
        let history = try run(["history", "S1"])
        #expect(history.standardOutput.contains("schedule.fired.v1"))
    }

    @Test func aTerminationDateSentAheadOfTheStatusIsDeactivatedByTickWhenItComes() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        // E3 is still active in HR; only the last day is known.
        let ahead = Self.company().map { $0.hasPrefix("E3,") ? $0 + "2030-06-14" : $0 }
        #expect(try run(["ingest", "--feed", "hr", try file("day2.csv", ahead)]).status == 0)
        #expect(try run(["state", "--id", "E3"]).standardOutput.contains("next: deactivate at 2030-06-13T23:00:00.000000Z (00:00 on 2030-06-14, Europe/London)"))
        let next = try #require(try json(["state", "--id", "E3"])["next_due"] as? [String: Any])
        #expect(next["at"] as? String == "2030-06-13T23:00:00.000000Z" && next["effect"] as? String == "deactivate")
        // In the whole state too.
        #expect((try users()["E3"]?["next_due"] as? [String: Any])?["effect"] as? String == "deactivate")
        // 14 June 2030 starts in London at 23:00 UTC on the 13th (summer time).
        let early = try run(["tick", "--now", "2030-06-13T22:59:59Z", "--allow-future"])
        #expect(!early.standardOutput.contains("E3:"))
        #expect(try users()["E3"]?["status"] as? String == "active")
        let due = try run(["tick", "--now", "2030-06-13T23:00:00Z", "--allow-future"])
        #expect(due.standardOutput.contains("E3: deactivate, due 2030-06-13T23:00:00.000000Z [rule termination]"), "\(due.standardOutput)")
        #expect(try users()["E3"]?["status"] as? String == "deactivated")
    }

    @Test func aTruncatedFileIsHeldAndChangesNoUser() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        let before = try run(["state", "--json"]).standardOutput
        let held = try run(["ingest", "--feed", "hr", try file("day2.csv", Array(Self.company().prefix(2)))])
        #expect(held.status == 4)
        let after = try run(["state", "--json"]).standardOutput
        #expect(before == after)
    }

    @Test func anArchivedWorkerIsRestored() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        _ = try run(["ingest", "--feed", "hr", try file("day2.csv", Self.company(missing: [3]))])
        #expect(try users()["E3"]?["status"] as? String == "active", "one snapshot missed: a suspect, not archived")
        // Seen before it happens: how many snapshots were missed, and when the policy archives.
        let suspect = try run(["state", "--id", "E3"]).standardOutput
        #expect(suspect.contains("    absent: from hr's full snapshots since ") && suspect.contains(", 1 missed; archived when 2 are missed\n"), "\(suspect)")
        let absence = try #require(try json(["state", "--id", "E3"])["absence"] as? [String: Any])
        #expect(absence["feed"] as? String == "hr" && absence["snapshots_missed"] as? Int == 1 && absence["archive_after_snapshots"] as? Int == 2)
        #expect(absence["archive_at"] is NSNull && absence["since"] is String)
        #expect(try json(["state", "--id", "E4"])["absence"] is NSNull)
        let day3 = try run(["ingest", "--feed", "hr", try file("day3.csv", Self.company(title1: "Analyst II", missing: [3]))])
        #expect(day3.standardOutput.contains("0 absent (1 more still absent)"), "\(day3.standardOutput)")
        #expect(try users()["E3"]?["status"] as? String == "archived")
        #expect(!(try run(["state", "--id", "E3"]).standardOutput.contains("absent:")), "archived: no longer a suspect")
        // Archived because E3 went missing: the absence is the cause, the rule says how long.
        let why = try run(["why", "E3", "status"])
        #expect(why.standardOutput.contains("worker.absent.v1"), "\(why.standardOutput)")
        #expect(why.standardOutput.contains("missing  from feed hr since") && why.standardOutput.contains("from 2 full snapshots since"))
        #expect(why.standardOutput.contains("by rule  absence: archived after 2 full snapshots missing from the feed"), "\(why.standardOutput)")

        // The journal keeps who restored: a blank name is refused.
        let nobody = try run(["restore", "E3", "--by", " "])
        #expect(nobody.status == 64 && nobody.standardError.contains("--by is empty"), "\(nobody.standardError)")
        let notArchived = try run(["restore", "E4"])
        #expect(notArchived.status == 2)
        #expect(notArchived.standardError.contains("not archived"))
        let restored = try run(["restore", "E3", "--by", "hr-admin", "--reason", "on secondment"])
        #expect(restored.status == 0, "\(restored.standardError)")
        let user = try users()["E3"]
        #expect(user?["status"] as? String == "active")
        #expect(Self.courses(user) == ["Onboarding_Path"])
        #expect(Self.groups(user) == ["IT Dept", "London"])
        // Still missing: after two more snapshots, archived again, and again for the absence (not the restore).
        _ = try run(["ingest", "--feed", "hr", try file("day4.csv", Self.company(title1: "Analyst III", missing: [3]))])
        _ = try run(["ingest", "--feed", "hr", try file("day5.csv", Self.company(title1: "Analyst IV", missing: [3]))])
        #expect(try users()["E3"]?["status"] as? String == "archived")
        let again = try run(["why", "E3", "status"])
        #expect(again.standardOutput.contains("worker.absent.v1") && !again.standardOutput.contains("admin.worker-restored"), "\(again.standardOutput)")
    }

    @Test func aGracePeriodInDaysEndsByTick() throws {
        try Self.rules.replacingOccurrences(of: "  snapshots: 2\n  days: never", with: "  snapshots: never\n  days: 3")
            .write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        _ = try run(["ingest", "--feed", "hr", try file("day2.csv", Self.company(missing: [3]))])
        let absence = try #require(try json(["state", "--id", "E3"])["absence"] as? [String: Any])
        #expect(absence["archive_after_snapshots"] is NSNull)
        let end = try #require(absence["archive_at"] as? String)
        let next = try #require(try json(["state", "--id", "E3"])["next_due"] as? [String: Any])
        #expect(next["at"] as? String == end && next["effect"] as? String == "archive")
        let sinceText = try #require(absence["since"] as? String)
        let since = try #require(Timestamp(iso8601: sinceText))
        #expect(Timestamp(iso8601: end) == since.adding(microseconds: 3 * 86_400_000_000))
        // A moment before the grace ends: still a suspect. At its end: archived by the tick.
        let early = try run(["tick", "--now", Timestamp(rawValue: Timestamp(iso8601: end)!.rawValue - 1).iso8601, "--allow-future"])
        #expect(!early.standardOutput.contains("E3:"))
        #expect(try users()["E3"]?["status"] as? String == "active")
        let due = try run(["tick", "--now", end, "--allow-future"])
        #expect(due.standardOutput.contains("E3: archive, due \(end) [rule absence]"), "\(due.standardOutput)")
        #expect(try users()["E3"]?["status"] as? String == "archived")
        #expect(try json(["state", "--id", "E3"])["absence"] is NSNull, "archived: no longer a suspect")
    }

    @Test func whyTellsWhenNoLMSCallIsNeeded() throws {
        // E3 leaves before Roster ever provisioned anyone: no account exists, none will be made.
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        let leaving = Self.company().map { $0.hasPrefix("E3,") ? $0.replacingOccurrences(of: ",active,2026-11-20,", with: ",terminated,2026-11-20,2026-11-25") : $0 }
        #expect(try run(["ingest", "--feed", "hr", try file("day2.csv", leaving)]).status == 0)
        let why = try run(["why", "E3", "status"])
        #expect(why.standardOutput.contains("E3: user deactivated"), "\(why.standardOutput)")
        #expect(why.standardOutput.contains("no call  the LMS has no account for E3"), "\(why.standardOutput)")
        #expect(!why.standardOutput.contains("pending"))
        #expect(try run(["why", "E4", "status"]).standardOutput.contains("pending  the LMS has not acknowledged it yet"))
    }

    @Test func rebuildPlansAndAdoptsCandidateRules() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        let candidate = directory.child("candidate.yml")
        try Self.rules.replacingOccurrences(of: "Information Technology: IT Dept", with: "Information Technology: Technology")
            .replacingOccurrences(of: "employment_type: [full_time, part_time]", with: "employment_type: [full_time, part_time, contractor]")
            .write(toFile: candidate, atomically: true, encoding: .utf8)

        let same = try run(["rebuild", "--rules", directory.child("rules.yml"), "--plan"])
        #expect(same.standardOutput.contains("no difference"))

        let plan = try json(["rebuild", "--rules", candidate, "--plan"])
        #expect(plan["users_added"] as? [String] == ["C1"])
        // What the rules name that nobody has is shown, for a person to tell meant from typo.
        #expect(plan["held_by_no_one"] as? [String] == [
            #"groups[locations].map: no worker has location "LAX", "NYC""#, #"triggers[nyc-compliance].locations: no worker has location "NYC""#,
        ])
        // Ten users move to the renamed group; the contractor joins two groups.
        #expect((plan["groups_added"] as? [[String: Any]])?.count == 12)
        #expect((plan["groups_removed"] as? [[String: Any]])?.count == 10)
        // Nothing changed yet.
        #expect(Self.groups(try users()["E1"]) == ["IT Dept", "London"])

        // Sydney's first day fired ahead of time, under the first rules; then the candidate,
        // which also renames Sydney's group, is adopted.
        #expect(try run(["tick", "--now", "2030-03-01T13:00:00Z", "--allow-future"]).standardOutput.contains("S1: activate"))
        try String(contentsOfFile: candidate, encoding: .utf8).replacingOccurrences(of: "SYD: Sydney", with: "SYD: Sydney Office")
            .write(toFile: candidate, atomically: true, encoding: .utf8)
        let apply = try run(["rebuild", "--rules", candidate, "--apply", "--by", "l-and-d-admin"])
        #expect(apply.status == 0, "\(apply.standardError)")
        #expect(apply.standardOutput.contains("adopted rules"))
        // Each rule set's store keeps snapshots from where it answers as-of queries: the first
        // rules from the start, the adopted candidate from its adoption, a candidate not yet
        // adopted from the journal's head.
        try {
            let app = try RosterApp(configuration: try RosterConfiguration.load(path: config))
            let adoptions = try RuleBook.adoptions(in: app.journal)
            #expect(adoptions.count == 2)
            #expect(try app.store(for: adoptions[0].rules).snapshotsFrom == .start)
            #expect(try app.store(for: adoptions[1].rules).snapshotsFrom == adoptions[1].position)
            var another = adoptions[1].rules
            another.version = String(repeating: "c", count: 64)
            #expect(try app.store(for: another).snapshotsFrom == app.journal.head)
        }()
        let users = try users()
        #expect(Self.groups(users["E1"]) == ["London", "Technology"])
        #expect(users["C1"]?["status"] as? String == "active")
        // The history tells what was derived when: IT Dept under the first rules, and the move to
        // Technology at the adoption, caused by it (not rewritten as if the new rules always held).
        let history = try run(["history", "E1"]).standardOutput
        let first = try #require(history.range(of: "LMS: added to group IT Dept [rule departments"), "\(history)")
        let adoption = try #require(history.range(of: "rules.adopted.v1  (rules)"), "\(history)")
        #expect(first.lowerBound < adoption.lowerBound)
        let after = String(history[adoption.upperBound...])
        #expect(after.contains("rules ") && after.contains("adopted by l-and-d-admin from \(candidate)"), "\(history)")
        #expect(after.contains("source: \(candidate), rules\n") && !after.contains("feed rules"), "the rules are not a feed: \(history)")
        #expect(after.contains("LMS: removed from group IT Dept") && after.contains("LMS: added to group Technology [rule departments"))
        #expect(!history.contains("LMS: added to group Technology") || history.range(of: "LMS: added to group Technology")!.lowerBound > adoption.lowerBound)
        // A contractor the new rules take in: created at the adoption.
        #expect(try run(["history", "C1"]).standardOutput.contains("LMS: user created, active"))
        // S1's user was made by the tick, under the first rules (Sydney); the adoption moved them.
        let sydney = try run(["history", "S1"]).standardOutput
        #expect(sydney.components(separatedBy: "LMS: added to group Sydney [rule locations").count == 2, "\(sydney)")
        #expect(sydney.components(separatedBy: "LMS: added to group Sydney Office").count == 2, "once, at the adoption: \(sydney)")
        #expect(sydney.contains("LMS: removed from group Sydney\n"), "\(sydney)")
        // roster.yml's rules are no longer the ones in force: every command says so.
        #expect(try run(["state"]).standardError.contains("are in force"))
        // Adopting them again adopts nothing, and says so.
        let again = try run(["rebuild", "--rules", candidate, "--apply"])
        #expect(again.status == 0 && again.standardOutput.contains("are already in force") && again.standardOutput.contains("nothing adopted"), "\(again.standardOutput)")
        try {
            let adoptions = try RuleBook.adoptions(in: try RosterApp(configuration: try RosterConfiguration.load(path: config)).journal)
            #expect(adoptions.count == 2)
            #expect(adoptions[1].adoption.source == candidate, "the source journaled as a full path")
        }()
    }

    @Test func asOfBeforeAnAdoptionIsAnsweredFromTheStoreOfTheRulesThenInForce() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        _ = try run(["ingest", "--feed", "hr", try file("day2.csv", Self.company(title1: "Engineering Manager"))])
        let before = Timestamp.now().iso8601
        let believed = try run(["state", "--json", "--as-of", before])
        #expect(believed.status == 0)
        #expect(Self.groups(try users(["--as-of", before])["E1"]) == ["IT Dept", "London"])
        let one = try run(["state", "--json", "--id", "E1", "--as-of", before]).standardOutput

        // Two rule sets adopted after it, each renaming a group, with a transfer between them.
        let renamed = directory.child("renamed.yml")
        try Self.rules.replacingOccurrences(of: "Information Technology: IT Dept", with: "Information Technology: Technology")
            .write(toFile: renamed, atomically: true, encoding: .utf8)
        #expect(try run(["rebuild", "--rules", renamed, "--apply"]).status == 0)
        _ = try run(["ingest", "--feed", "hr", try file("day3.csv", Self.company(title1: "Engineering Manager", location2: "NYC"))])
        let again = directory.child("again.yml")
        try String(contentsOfFile: renamed, encoding: .utf8).replacingOccurrences(of: "Sales: Sales Team", with: "Sales: Sales Org")
            .write(toFile: again, atomically: true, encoding: .utf8)
        #expect(try run(["rebuild", "--rules", again, "--apply"]).status == 0)
        #expect(Self.groups(try users()["E1"]) == ["London", "Technology"])

        // The instant before them is answered under the first rules, as it was then.
        #expect(try run(["state", "--json", "--as-of", before]).standardOutput == believed.standardOutput)
        #expect(try run(["state", "--json", "--id", "E1", "--as-of", before]).standardOutput == one)
        let app = { try RosterApp(configuration: try RosterConfiguration.load(path: self.config)) }
        let adoptions = try RuleBook.adoptions(in: try app().journal)
        #expect(adoptions.count == 3)
        // Every adopted rule set keeps its store; the first rules' has folded through the adoption
        // that ended their time, and no further: it answers from its own snapshots.
        let folder = { (version: String) in self.directory.child("data/projections/" + version.prefix(16)) }
        for adopted in adoptions { #expect(FileManager.default.fileExists(atPath: folder(adopted.rules.version)), "\(adopted.rules.version)") }
        let folded = try app().store(for: adoptions[0].rules).checkpoint
        #expect(folded == adoptions[1].position)
        // A store removed (or emptied by a release's new store format) is built again, through
        // the same point, and answers the same.
        try FileManager.default.removeItem(atPath: folder(adoptions[0].rules.version))
        #expect(try run(["state", "--json", "--as-of", before]).standardOutput == believed.standardOutput)
        let rebuilt = try app().store(for: adoptions[0].rules).checkpoint
        #expect(rebuilt == adoptions[1].position)
        #expect(try run(["state", "--json", "--id", "E1", "--as-of", before]).standardOutput == one)
    }

    @Test func rebuildRefusesToAdoptRulesThatCrossAThresholdWithoutConfirmation() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        // E10 has left: their user is deactivated already, so losing it cuts no one's access.
        let leaving = Self.company().map { $0.hasPrefix("E10,") ? $0.replacingOccurrences(of: ",active,2026-11-20,", with: ",terminated,2026-11-20,2026-11-25") : $0 }
        #expect(try run(["ingest", "--feed", "hr", try file("day2.csv", leaving)]).status == 0)
        #expect(try users()["E10"]?["status"] as? String == "deactivated")
        let candidate = directory.child("candidate.yml")
        try Self.rules.replacingOccurrences(of: "employment_type: [full_time, part_time]", with: "employment_type: [part_time]")
            .write(toFile: candidate, atomically: true, encoding: .utf8)
        #expect(try run(["rebuild", "--rules", candidate, "--plan", "--confirm"]).status == 64, "--confirm goes with --apply")
        let refused = try run(["rebuild", "--rules", candidate, "--apply"])
        #expect(refused.status == 4)
        #expect(refused.standardError.contains("deactivations: 9 exceeds"), "\(refused.standardError)")
        #expect(try users()["E1"]?["status"] as? String == "active")
        let confirmed = try run(["rebuild", "--rules", candidate, "--apply", "--confirm"])
        #expect(confirmed.status == 0)
        // Under rules that never took full-timers in, they have no desired user; the LMS account
        // they have is deactivated by provisioning, never deleted.
        #expect(try users()["E1"] == nil)
    }

    /// The line of the typo added after the rules, past a blank line.
    static let typoLine = rules.split(separator: "\n", omittingEmptySubsequences: false).count + 2

    @Test func aMistakeInTheRulesFileDoesNotStopTheRulesInForce() throws {
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        // The rules are adopted; then the admin, editing the candidate in place, leaves a typo.
        #expect(try users()["E1"]?["status"] as? String == "active")
        try (Self.rules + "\n\ncolour: red\n").write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
        let ahead = Self.company().map { $0.hasPrefix("E3,") ? $0 + "2030-06-14" : $0 }
        #expect(try run(["ingest", "--feed", "hr", try file("day2.csv", ahead)]).status == 0)
        // A termination still takes effect under the rules in force, and every command says what is wrong.
        let tick = try run(["tick", "--now", "2030-06-13T23:00:00Z", "--allow-future"])
        #expect(tick.status == 0, "\(tick.standardError)")
        #expect(tick.standardOutput.contains("E3: deactivate"), "\(tick.standardOutput)")
        #expect(tick.standardError.contains("rules.yml:\(Self.typoLine):1: colour: unknown key"), "\(tick.standardError)")
        #expect(tick.standardError.contains("the rules in force (") && tick.standardError.contains("still apply"))
        let state = try run(["state", "--id", "E3"])
        #expect(state.status == 0 && state.standardOutput.contains("deactivated"), "\(state.standardOutput)")
        #expect(try run(["why", "E3", "status"]).status == 0)
        // The broken file itself cannot be previewed or adopted.
        let plan = try run(["rebuild", "--rules", directory.child("rules.yml"), "--plan"])
        #expect(plan.status == 2 && plan.standardError.contains("colour: unknown key"), "\(plan.standardError)")
    }

    @Test func theFirstUseNeedsRulesThatCanBeRead() throws {
        try (Self.rules + "\n\ncolour: red\n").write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
        _ = try run(["ingest", "--feed", "hr", try file("day1.csv", Self.company())])
        let state = try run(["state"])
        #expect(state.status == 2)
        #expect(state.standardError.contains("rules.yml:\(Self.typoLine):1: colour: unknown key"), "\(state.standardError)")
        #expect(!state.standardError.contains("still apply"))
    }
}
