import Journal

/// Every event Roster's domain writes (HR feeds, batches, rules, admin decisions, the scheduler,
/// the LMS's answers):
/// wire name, subject, meaning and an example payload.
/// `docs/event-catalogue.md` is rendered from this table, and a golden test holds both to it.
public enum EventCatalogue {
    /// One event type.
    public struct Entry: Sendable {
        public let type: EventType
        public let subject: String
        public let meaning: String
        public let example: [UInt8]
    }

    static let exampleWorker = Worker(
        id: EmployeeID(rawValue: "E1001"), email: "maria.gonzalez@example.com", legalFirstName: "María", legalLastName: "González",
        preferredFirstName: "Mia", jobTitle: "Data Analyst", jobCode: "DA-2", departmentCode: "IT-200",
        departmentName: "Information Technology", location: "LON", timeZone: "Europe/London",
        managerID: EmployeeID(rawValue: "E0042"), managerEmail: "sam.okafor@example.com", costCenter: "CC-4120",
        employmentType: .fullTime, status: .active, hireDate: LocalDate(year: 2027, month: 1, day: 4))

    /// The table, in the order of the documentation.
    public static var entries: [Entry] {
        let worker = "employee ID"
        let batch = "batch ID"
        let name = PersonName(of: exampleWorker)
        let profile = LMSProfile(
            userName: "maria.gonzalez@example.com", givenName: "Mia", familyName: "González", email: "maria.gonzalez@example.com",
            title: "Data Analyst", department: "Information Technology", costCenter: "CC-4120", manager: EmployeeID(rawValue: "E0042"))
        func lms(_ command: String, _ kind: LMSEvent.Kind) -> LMSEvent {
            LMSEvent(target: "scim", command: command, cause: JournalPosition(4127), kind: kind)
        }
        var married = name
        married.legalLast = "Okafor"
        let rows: [(String, String, Example)] = [
            ("first seen in a feed; the full record (a first file with history may show a worker already terminated)", worker,
                .worker(.hired(exampleWorker))),
            ("a terminated worker returns under the same employee ID; the full record", worker, .worker(.rehired(exampleWorker))),
            ("one field changed (job title, department, location, manager, cost center, dates, leave)", worker,
                .worker(.changed(.jobTitle, old: "Data Analyst", new: "Data Manager"))),
            ("a custom attribute (a column the feed maps by name) changed", worker,
                .worker(.attributeChanged(name: "union_member", old: nil, new: "yes"))),
            ("status became terminated, effective on the local date HR gave", worker,
                .worker(.terminated(date: LocalDate(year: 2027, month: 3, day: 31), previousStatus: .active))),
            ("employment type changed", worker, .worker(.converted(from: .contractor, to: .fullTime))),
            ("the email alias changed; matching stays by employee ID", worker,
                .worker(.emailChanged(old: "maria.gonzalez@example.com", new: "maria.okafor@example.com"))),
            ("a legal or preferred name changed", worker, .worker(.nameChanged(old: name, new: married))),
            ("missing from a full snapshot: a suspect, not a termination", worker, .worker(.absent(feed: "bamboohr", batch: "b-2f9c"))),
            ("back in a full snapshot after being absent", worker, .worker(.returned(feed: "bamboohr", batch: "b-7a11"))),
            ("the row claims an email another employee ID holds; a person resolves it, nothing merges", worker,
                .worker(.emailConflict(email: "j.lee@example.com", heldBy: EmployeeID(rawValue: "E2002")))),
            ("a file arrived; kept byte for byte under its SHA-256 (`complete`: a full snapshot, not changes only)", batch,
                .batch(.received(BatchReceipt(
                    feed: "bamboohr", file: "employees-2026-11-29.csv",
                    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", bytes: 14_211_337, rows: 100_000, complete: true)))),
            ("one row could not be used; the others go on", batch,
                .batch(.rowQuarantined(QuarantinedRow(
                    file: "employees-2026-11-29.csv", line: 42, column: "Hire Date", employeeID: "E1077",
                    reason: "31/02/2026 is not a date in the feed's format dd/MM/yyyy")))),
            ("the whole file was refused; nothing in it took effect", batch,
                .batch(.rejected(BatchRejection(reason: "the required column Employee ID is missing", line: 1)))),
            ("a safety threshold was crossed; nothing takes effect until approved", batch,
                .batch(.held(BatchHold(
                    reasons: ["terminations 312 exceed 5% of 1000 workers"], counts: BatchCounts(creates: 2, changes: 40, terminations: 312))))),
            ("an admin approved a held batch", batch, .batch(.approved(by: "admin@example.com"))),
            ("the batch's changes were journaled", batch, .batch(.applied(BatchCounts(creates: 2, changes: 40, terminations: 3)))),
            ("a rule set came into force: its text as written and its SHA-256; every derived LMS fact names this version",
                "`rules`",
                .admin(.rulesAdopted(RulesAdoption(
                    version: "5e2b8c0a1f3d4e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c",
                    text: "names: preferred\nscope:\n  include:\n    employment_type: [full_time, part_time]\n",
                    source: "/etc/roster/rules.yml", adoptedBy: "admin@example.com")))),
            ("an admin brought an archived worker's LMS user back, with its history, groups and assignments", worker,
                .admin(.restored(by: "admin@example.com", reason: "back from secondment"))),
            ("a time-driven effect's moment came (a first day, a termination taking effect, a grace period's end); "
                + "journaled by `roster tick` and the daemon's scheduler", worker,
                .schedule(.fired(ScheduledEffect(
                    kind: .activate, dueAt: Timestamp(iso8601: "2027-01-04T00:00:00Z")!, now: Timestamp(iso8601: "2027-01-04T00:01:00Z")!,
                    rule: "hire", ruleSet: "5e2b8c0a1f3d4e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c")))),
            ("the LMS created the user (or an account it already had was adopted by external ID or user name); its LMS ID and "
                + "the profile it now holds", worker, .lms(lms("E1001 create", .userCreated(lmsID: "2819c223-7f76-453a-919d-413861904646", profile: profile, adopted: false)))),
            ("the LMS now holds this profile (a name, email, title, department, cost center or manager changed)", worker,
                .lms(lms("E1001 update 3f1a", .userUpdated(profile: profile)))),
            ("the LMS user may no longer sign in (SCIM `active: false`, a suspended row in a CSV export); never deleted", worker,
                .lms(lms("E1001 deactivate", .userDeactivated))),
            ("the LMS user may sign in again (a rehire, a restore, back in scope)", worker, .lms(lms("E1001 reactivate", .userReactivated))),
            ("the LMS added the user to a group, or to a course's assignment group", worker,
                .lms(lms("E1001 add course:Leadership_101", .membershipAdded(LMSMembership(.course, "Leadership_101"))))),
            ("the LMS removed the user from a group or a course's assignment group", worker,
                .lms(lms("E1001 remove group:London", .membershipRemoved(LMSMembership(.group, "London"))))),
            ("a delivery failed: the LMS's status (0 when it did not answer), its error, when the next attempt may go; "
                + "`dead` after the last attempt or a permanent refusal", worker,
                .lms(lms("E1001 create", .deliveryFailed(DeliveryFailure(
                    attempt: 3, status: 503, error: "Service Unavailable", retryAt: Timestamp(iso8601: "2027-01-04T00:05:00Z")!, dead: false))))),
            ("a poll of an HRIS's changed-since API finished: the high-water mark the next poll asks from, and the batch it brought",
                "`poll:` and the feed", .polled(FeedPolled(feed: "bamboohr-live", mark: "2027-01-04T09:15:00+00:00", records: 3, batch: "bamboohr-live-5e2b8c0a1f3d4e6a"))),
            ("a delivery round is starting: the commands about to be sent, journaled before the first request goes", "`lms:` and the connector",
                .round(DeliveryRound(target: "scim", commands: ["E1001 create", "E1001 add course:Leadership_101"]))),
            ("an admin asked for a dead letter to be delivered again", worker, .lms(lms("E1001 create", .retryRequested(by: "admin@example.com")))),
            ("`roster reconcile --fix` found the LMS holding something else than it acknowledged: journaled with the answer "
                + "kinds above (command `reconcile`), or this one when the account is gone; the next sync corrects it", worker,
                .lms(lms("reconcile", .userMissing))),
        ]
        return rows.map { meaning, subject, example in
            Entry(type: example.type, subject: subject, meaning: meaning, example: (try? example.payload()) ?? [])
        }
    }

    enum Example {
        case worker(WorkerEvent)
        case batch(BatchEvent)
        case admin(AdminEvent)
        case schedule(ScheduleEvent)
        case lms(LMSEvent)
        case round(DeliveryRound)
        case polled(FeedPolled)

        var type: EventType {
            switch self {
            case .worker(let event): event.type
            case .batch(let event): event.type
            case .admin(let event): event.type
            case .schedule(let event): event.type
            case .lms(let event): event.type
            case .round: DeliveryRound.type
            case .polled: FeedPolled.type
            }
        }

        func payload() throws -> [UInt8] {
            switch self {
            case .worker(let event): try event.payload()
            case .batch(let event): try event.payload()
            case .admin(let event): try event.payload()
            case .schedule(let event): try event.payload()
            case .lms(let event): try event.payload()
            case .round(let round): try round.payload()
            case .polled(let polled): try polled.payload()
            }
        }
    }

    /// The catalogue as markdown, as `docs/event-catalogue.md` holds it.
    public static func markdown() -> String {
        var lines = [
            "# Event catalogue",
            "",
            "Every event Roster journals. Wire names are stable: a new shape gets a new version (`.v2`),",
            "and old versions stay readable. Times are on the journal record, not in payloads: the recorded time",
            "(when Roster learned it) and the effective time (when it is true in HR: for a hire, a termination",
            "and a termination date set or moved, that local date at the feed's cut-off in the worker's time",
            "zone). A hire whose record already dates its end (a fixed-term contract) is journaled as the hire",
            "and then the termination date's change, each with its own effective time.",
            "",
            "This file is generated from `Sources/Workforce/EventCatalogue.swift`; a test fails when they differ.",
            "",
            "| type | subject | meaning |",
            "|---|---|---|",
        ]
        for entry in entries {
            lines.append("| `\(entry.type)` | \(entry.subject) | \(entry.meaning) |")
        }
        lines.append("")
        lines.append("## Example payloads")
        for entry in entries {
            lines.append("")
            lines.append("`\(entry.type)`")
            lines.append("```json")
            lines.append(String(decoding: entry.example, as: UTF8.self))
            lines.append("```")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
