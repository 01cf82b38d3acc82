import Journal
import Ingestion
import Testing
import Workforce

/// Given what is known, when a file arrives, then these events: the workflows of the brief.
@Suite struct FeedDiffTests {
    static let header = "employee_id,legal_first_name,legal_last_name,preferred_first_name,email,job_title,location,manager_id,employment_type,status,hire_date,termination_date"

    var feed: FeedConfiguration = {
        var feed = FeedConfiguration(name: "hr", kind: .csvSnapshot)
        feed.locationTimeZones = ["LON": "Europe/London", "NYC": "America/New_York", "SYD": "Australia/Sydney"]
        return feed
    }()

    /// The state after applying `changes`.
    func applying(_ changes: FeedChanges, to state: WorkforceState, feed: String = "hr") -> WorkforceState {
        var state = state
        for (id, event) in changes.events { state.apply(event, to: id, feed: feed) }
        return state
    }

    func changes(_ rows: [String], state: WorkforceState = WorkforceState(), feed: FeedConfiguration? = nil, header: String = header) throws -> FeedChanges {
        let feed = feed ?? self.feed
        let result = try FeedReader(feed: feed).read(Array(([header] + rows).joined(separator: "\n").utf8), file: "hr.csv")
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        return FeedDiff.changes(result.records, against: state, feed: feed, batch: "b2")
    }

    static let ann = "E1,Ann,Lee,,ann.lee@example.com,Analyst,LON,,full_time,active,2024-01-08,"
    static let bo = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,contractor,active,2025-03-03,"

    func known() throws -> WorkforceState {
        applying(try changes([Self.ann, Self.bo]), to: WorkforceState())
    }

    @Test func newWorkersAreHiredWithTheirZone() throws {
        let result = try changes([Self.ann, Self.bo])
        #expect(result.counts == BatchCounts(creates: 2))
        guard case .hired(let ann) = result.events[0].event else { Issue.record("not a hire"); return }
        #expect(ann.timeZone == "Europe/London" && ann.hireDate == LocalDate(year: 2024, month: 1, day: 8))
    }

    @Test func theSameFileAgainChangesNothing() throws {
        let result = try changes([Self.ann, Self.bo], state: try known())
        #expect(result.events.isEmpty)
        #expect(result.counts == BatchCounts())
    }

    @Test func aPromotionIsAFieldChange() throws {
        let result = try changes([Self.ann.replacingOccurrences(of: "Analyst", with: "Analytics Manager"), Self.bo], state: try known())
        #expect(result.events.map(\.event) == [.changed(.jobTitle, old: "Analyst", new: "Analytics Manager")])
        #expect(result.counts.changes == 1)
    }

    @Test func aTransferMovesTheZoneFirstThenTheLocation() throws {
        // The zone first: the transfer's course is due, and later fields take effect, where the worker now is.
        let result = try changes([Self.ann.replacingOccurrences(of: "LON", with: "NYC"), Self.bo], state: try known())
        #expect(result.events.map(\.event) == [
            .changed(.timeZone, old: "Europe/London", new: "America/New_York"), .changed(.location, old: "LON", new: "NYC"),
        ])
    }

    @Test func aTerminationCarriesItsDateAndPreviousStatus() throws {
        let leaving = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,contractor,terminated,2025-03-03,2026-12-15"
        let result = try changes([Self.ann, leaving], state: try known())
        #expect(result.events.map(\.event) == [.terminated(date: LocalDate(year: 2026, month: 12, day: 15), previousStatus: .active)])
        #expect(result.counts.terminations == 1)
    }

    @Test func aFutureTerminationDateOnAnActiveWorkerIsAFieldChange() throws {
        let result = try changes([Self.ann, Self.bo + "2026-12-31"], state: try known())
        #expect(result.events.map(\.event) == [.changed(.terminationDate, old: nil, new: "2026-12-31")])
    }

    @Test func aHireWithItsEndDatedIsAHireThenTheTerminationDate() throws {
        // A fixed-term contract: the end is known at the hire.
        let result = try changes([Self.ann, Self.bo + "2026-12-31"])
        #expect(result.counts == BatchCounts(creates: 2))
        guard case .hired(let bo) = result.events[1].event else { Issue.record("\(result.events)"); return }
        #expect(bo.terminationDate == nil)
        #expect(result.events[2].event == .changed(.terminationDate, old: nil, new: "2026-12-31"))
        #expect(result.events.count == 3)
        // Applied, the two make the worker the file holds: the next file changes nothing.
        #expect(try changes([Self.ann, Self.bo + "2026-12-31"], state: applying(result, to: WorkforceState())).events.isEmpty)
    }

    @Test func aHireCarryingAPastEmploymentsTerminationDateKeepsItInTheRecord() throws {
        let result = try changes([Self.ann, Self.bo + "2024-06-30"])
        guard case .hired(let bo) = result.events[1].event else { Issue.record("\(result.events)"); return }
        #expect(bo.terminationDate == LocalDate(year: 2024, month: 6, day: 30))
        #expect(result.events.count == 2)
    }

    @Test func aRehireKeepingThePastEmploymentsTerminationDateIsNotEndedByIt() throws {
        let leaving = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,contractor,terminated,2025-03-03,2026-01-15"
        let gone = applying(try changes([Self.ann, leaving]), to: try known())
        // Back, with the old termination date still in the row and no new hire date.
        let back = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,full_time,active,2025-03-03,2026-01-15"
        let result = try changes([Self.ann, back], state: gone)
        guard case .rehired(let bo) = result.events.first?.event else { Issue.record("\(result.events)"); return }
        #expect(bo.terminationDate == LocalDate(year: 2026, month: 1, day: 15))
        #expect(result.events.count == 1)
        // Back on a contract that ends later: the end follows the rehire.
        let contract = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,full_time,active,2026-11-02,2027-04-30"
        #expect(try changes([Self.ann, contract], state: gone).events.dropFirst().map(\.event) == [.changed(.terminationDate, old: nil, new: "2027-04-30")])
    }

    @Test func aTerminationDateSetOnAnEmployedWorkerCountsAsATermination() throws {
        // Against the terminations threshold: a file stamping dates on everyone is held like one terminating them.
        let result = try changes([Self.ann + "2026-12-31", Self.bo + "2026-12-31"], state: try known())
        #expect(result.counts == BatchCounts(terminations: 2))
    }

    @Test func aRehireWhoseRowKeepsTheOldDateIsNotALeaverWhenMissing() throws {
        let leaving = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,contractor,terminated,2025-03-03,2026-01-15"
        let gone = applying(try changes([Self.ann, leaving]), to: try known())
        let back = applying(try changes([Self.ann, "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,full_time,active,2025-03-03,2026-01-15"], state: gone), to: gone)
        #expect(back.scheduledEnds.isEmpty)
        // Missing later, they are a suspect like anyone: counted against the thresholds.
        let missing = FeedDiff.changes([], against: back, feed: feed, batch: "b4", now: Timestamp(iso8601: "2027-01-01T00:00:00Z"))
        #expect(missing.counts.absences == 2 && missing.departed == 0)
    }

    @Test func aWorkerMissingAfterTheirTerminationDateTookEffectHasDeparted() throws {
        let state = applying(try changes([Self.ann, Self.bo + "2026-12-15"], state: try known()), to: try known())
        #expect(state.scheduledEnds == [EmployeeID(rawValue: "E2"): LocalDate(year: 2026, month: 12, day: 15)!])
        let before = FeedDiff.changes([], against: state, feed: feed, batch: "b3", now: Timestamp(iso8601: "2026-12-15T04:59:59Z"))
        #expect(before.counts.absences == 2 && before.departed == 0)
        // Midnight in New York starting the 15th.
        let after = FeedDiff.changes([], against: state, feed: feed, batch: "b3", now: Timestamp(iso8601: "2026-12-15T05:00:00Z"))
        #expect(after.counts.absences == 2 && after.departed == 1)
    }

    @Test func aReturningTerminatedIDIsARehireOfTheSameWorker() throws {
        let leaving = "E2,Bo,Kim,,bo.kim@example.com,Trainer,NYC,E1,contractor,terminated,2025-03-03,2026-01-15"
        let gone = applying(try changes([Self.ann, leaving], state: try known()), to: try known())
        let back = "E2,Bo,Kim,,bo.kim@example.com,Senior Trainer,NYC,E1,full_time,active,2026-11-02,"
        let result = try changes([Self.ann, back], state: gone)
        guard case .rehired(let worker) = result.events.first?.event else { Issue.record("\(result.events)"); return }
        #expect(worker.id == EmployeeID(rawValue: "E2") && worker.jobTitle == "Senior Trainer" && worker.employmentType == .fullTime)
        #expect(result.events.count == 1)
    }

    @Test func nameAndEmailChangesHaveTheirOwnEvents() throws {
        let married = "E1,Ann,Okafor,Annie,ann.okafor@example.com,Analyst,LON,,full_time,active,2024-01-08,"
        let result = try changes([married, Self.bo], state: try known())
        #expect(result.events.map(\.event) == [
            .nameChanged(
                old: PersonName(legalFirst: "Ann", legalLast: "Lee"),
                new: PersonName(legalFirst: "Ann", legalLast: "Okafor", preferredFirst: "Annie")),
            .emailChanged(old: "ann.lee@example.com", new: "ann.okafor@example.com"),
        ])
    }

    @Test func anEmailHeldByAnotherIDIsAConflictNotAMerge() throws {
        let claim = "E3,Cy,Lee,,ann.lee@example.com,Analyst,LON,,full_time,active,2026-11-01,"
        let result = try changes([Self.ann, Self.bo, claim], state: try known())
        #expect(result.events.count == 2)
        #expect(result.events[0].event == .emailConflict(email: "ann.lee@example.com", heldBy: EmployeeID(rawValue: "E1")))
        guard case .hired(let cy) = result.events[1].event else { Issue.record("not a hire"); return }
        #expect(cy.email == nil)
        let after = applying(result, to: try known())
        #expect(after.emailOwners["ann.lee@example.com"] == EmployeeID(rawValue: "E1"))
    }

    @Test func aContractorConvertedToFullTime() throws {
        let result = try changes([Self.ann, Self.bo.replacingOccurrences(of: "contractor", with: "full_time")], state: try known())
        #expect(result.events.map(\.event) == [.converted(from: .contractor, to: .fullTime)])
    }

    @Test func missingFromASnapshotIsAbsenceAndComingBackIsAReturn() throws {
        let result = try changes([Self.ann], state: try known())
        #expect(result.events.map(\.event) == [.absent(feed: "hr", batch: "b2")])
        #expect(result.events.first?.id == EmployeeID(rawValue: "E2"))
        #expect(result.counts.absences == 1)
        let away = applying(result, to: try known())
        #expect(away.absent[EmployeeID(rawValue: "E2")] == "hr")
        #expect(away.workers[EmployeeID(rawValue: "E2")]?.status == .active)
        // Missing again: already absent, nothing new is journaled, but the batch counts them.
        let again = try changes([Self.ann], state: away)
        #expect(again.events.isEmpty)
        #expect(again.counts == BatchCounts(stillAbsent: 1))
        let back = try changes([Self.ann, Self.bo], state: away)
        #expect(back.events.map(\.event) == [.returned(feed: "hr", batch: "b2")])
    }

    @Test func aDeltaFileSaysNothingAboutWhoIsMissingAndKeepsColumnsItLacks() throws {
        var delta = feed
        delta.kind = .csvDelta
        let result = try changes(["E2,Bo,Kim,Lead Trainer,active"], state: try known(), feed: delta,
            header: "employee_id,legal_first_name,legal_last_name,job_title,status")
        #expect(result.events.map(\.event) == [.changed(.jobTitle, old: "Trainer", new: "Lead Trainer")])
    }

    @Test func leavesAndReturnsFromLeaveAreStatusChanges() throws {
        let result = try changes([Self.ann.replacingOccurrences(of: "active", with: "on leave"), Self.bo], state: try known())
        #expect(result.events.map(\.event) == [.changed(.status, old: "active", new: "on_leave")])
    }
}

extension FeedDiffTests {
    @Test func aQuarantinedRowIsInTheFileSoItsWorkerIsNotAbsent() throws {
        let state = try known()
        let result = try FeedReader(feed: feed).read(
            Array((Self.header + "\n" + Self.ann + "\nE2,Bo,Kim,,not-an-email,Trainer,NYC,E1,contractor,active,2025-03-03,\n").utf8), file: "hr.csv")
        #expect(result.quarantined.count == 1)
        let changes = FeedDiff.changes(result.records, against: state, feed: feed, batch: "b3", alsoPresent: result.quarantinedIDs)
        #expect(changes.events.isEmpty)
    }
}
