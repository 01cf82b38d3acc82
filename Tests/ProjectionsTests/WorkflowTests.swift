import Foundation
import Journal
import Projections
import Rules
import Testing
import Workforce

/// The workflows of the product brief, as given events / when time passes / then the LMS
/// desired state.
@Suite struct WorkflowTests {
    @Test func futureHiresActivateAtTheirOwnLocalMidnight() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("S1", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("L1", location: "LAX", zone: "America/Los_Angeles", hired: date(2026, 12, 1)), at: "2026-11-29T09:00:01Z")

        // Sydney's 1 December starts at 13:00 UTC on 30 November (UTC+11 in summer).
        #expect(try scenario.user("S1", at: "2026-11-30T12:59:59Z") == nil)
        let sydney = try #require(try scenario.user("S1", at: "2026-11-30T13:00:00Z"))
        #expect(sydney.status == .active)
        #expect(sydney.statusProvenance.at == instant("2026-11-30T13:00:00Z"))
        #expect(sydney.statusProvenance.rule == "hire")
        #expect(sydney.groups.keys.sorted() == ["IT Dept", "Sydney"])
        #expect(sydney.assignments["Onboarding_Path"]?.due == date(2026, 12, 15))
        #expect(try scenario.user("L1", at: "2026-11-30T13:00:00Z") == nil)

        // Los Angeles' starts at 08:00 UTC on 1 December (UTC-8).
        #expect(try scenario.user("L1", at: "2026-12-01T07:59:59Z") == nil)
        #expect(try scenario.user("L1", at: "2026-12-01T08:00:00Z")?.status == .active)
    }

    @Test func theFirstSyncOfAnExistingCompanyProvisionsWithoutOnboarding() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", hired: date(2019, 4, 1)), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E2", hired: date(2026, 11, 1)), at: "2026-11-29T09:00:00Z")
        let veteran = try #require(try scenario.user("E1", at: "2026-11-29T09:00:00Z"))
        #expect(veteran.status == .active)
        #expect(veteran.assignments.isEmpty)
        // 28 days after the hire date is inside the 30-day new-hire window.
        #expect(try scenario.user("E2", at: "2026-11-29T09:00:01Z")?.assignments["Onboarding_Path"] != nil)
    }

    @Test func preStartDaysProvisionBeforeDayOne() throws {
        var rules = Scenario.standardRules
        rules.preStartDays = 3
        let scenario = try Scenario(rules: rules)
        try scenario.hire(worker("S1", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 10)), at: "2026-11-29T09:00:00Z")
        // 7 December, local midnight in Sydney, is 13:00 UTC on the 6th; the course is due 14 days after that local day.
        #expect(try scenario.user("S1", at: "2026-12-06T12:59:59Z") == nil)
        let user = try #require(try scenario.user("S1", at: "2026-12-06T13:00:00Z"))
        #expect(user.assignments["Onboarding_Path"]?.due == date(2026, 12, 21))
    }

    @Test func rulesWithoutGroupsGiveUsersNone() throws {
        var rules = Scenario.standardRules
        rules.groups = []
        let scenario = try Scenario(rules: rules)
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:00Z")
        try scenario.record("E1", .changed(.location, old: "LON", new: "NYC"), at: "2026-11-30T09:00:00Z")
        let user = try #require(try scenario.user("E1", at: "2026-11-30T10:00:00Z"))
        #expect(user.groups.isEmpty && user.unmapped.isEmpty)
        #expect(user.assignments["NY_Harassment_Prevention"] != nil)
    }

    @Test func aWorkerWithoutAUserIsToldWhy() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("S1", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("C1", type: .contractor), at: "2026-11-29T09:00:01Z")
        try scenario.hire(worker("T1", hired: date(2026, 12, 7)), at: "2026-11-29T09:00:02Z")
        try scenario.terminate("T1", on: date(2026, 12, 1), zone: "Europe/London", at: "2026-11-30T09:00:00Z")
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:03Z")
        let state = try scenario.state(at: "2026-12-08T00:00:00Z")
        let rules = scenario.rules
        #expect(state[worker: EmployeeID(rawValue: "E1")]?.whyNoUser(under: rules) == nil)
        #expect(
            state[worker: EmployeeID(rawValue: "C1")]?.whyNoUser(under: rules)
                == "out of scope: scope.include: employment_type in [full_time, part_time] does not hold (employment_type is contractor)")
        #expect(
            state[worker: EmployeeID(rawValue: "T1")]?.whyNoUser(under: rules)
                == "terminated (termination date 2026-12-01) before an LMS user was made")
        let early = try scenario.state(at: "2026-11-30T12:59:59Z")
        #expect(
            early[worker: EmployeeID(rawValue: "S1")]?.whyNoUser(under: rules)
                == "not started yet (first day 2026-12-01 in Australia/Sydney); the LMS user is due at 2026-11-30T13:00:00.000000Z")
        // Out of scope comes first: a contractor who left, or who has not started, would never have had one.
        try scenario.hire(worker("C2", type: .contractor, hired: date(2027, 1, 4)), at: "2026-12-09T09:00:00Z")
        try scenario.terminate("C1", on: date(2026, 12, 10), zone: "Europe/London", at: "2026-12-10T09:00:00Z")
        let later = try scenario.state(at: "2026-12-11T00:00:00Z")
        for id in ["C1", "C2"] {
            #expect(later[worker: EmployeeID(rawValue: id)]?.whyNoUser(under: rules)?.hasPrefix("out of scope: ") == true, "\(id)")
        }
    }

    @Test func aTerminationDatedTomorrowDeactivatesAtItsLocalStart() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        let termination = try scenario.terminate("E1", on: date(2026, 11, 30), zone: "Europe/London", at: "2026-11-29T10:00:00Z")

        #expect(try scenario.user("E1", at: "2026-11-29T23:59:59Z")?.status == .active)
        let user = try #require(try scenario.user("E1", at: "2026-11-30T00:00:00Z"))
        #expect(user.status == .deactivated)
        #expect(user.statusProvenance.rule == "termination")
        #expect(user.statusProvenance.cause == termination)
        // Never deleted: groups and assignments stay with the deactivated user.
        #expect(user.groups.keys.sorted() == ["IT Dept", "London"])
        #expect(user.assignments["Onboarding_Path"] != nil)
    }

    @Test func aTerminationEffectiveInThePastDeactivatesAtOnce() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.terminate("E1", on: date(2026, 11, 20), zone: "Europe/London", at: "2026-11-29T10:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-29T09:59:59Z")?.status == .active)
        let user = try #require(try scenario.user("E1", at: "2026-11-29T10:00:00Z"))
        #expect(user.status == .deactivated)
        #expect(user.statusProvenance.at == instant("2026-11-29T10:00:00Z"))
    }

    @Test func aTerminationDateOnAWorkerHRStillReportsActiveDeactivatesWhenItComes() throws {
        // SuccessFactors and Workday keep a leaver active until the date; only the date comes early.
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        let set = try scenario.record(
            "E1", .changed(.terminationDate, old: nil, new: "2026-12-04"), at: "2026-11-29T10:00:00Z", effective: instant("2026-12-04T00:00:00Z"))

        #expect(try scenario.user("E1", at: "2026-12-03T23:59:59Z")?.status == .active)
        let user = try #require(try scenario.user("E1", at: "2026-12-04T00:00:00Z"))
        #expect(user.status == .deactivated)
        #expect(user.statusProvenance.rule == "termination")
        #expect(user.statusProvenance.cause == set)
        #expect(user.statusProvenance.at == instant("2026-12-04T00:00:00Z"))
        #expect(user.groups.keys.sorted() == ["IT Dept", "London"])
        // HR's status turning to terminated later changes nothing more.
        try scenario.terminate("E1", on: date(2026, 12, 4), zone: "Europe/London", at: "2026-12-05T02:00:00Z")
        #expect(try scenario.user("E1", at: "2026-12-05T02:00:00Z") == user)
    }

    @Test func aTerminationDateMovedOrClearedBeforeItComesMovesOrCancelsTheDeactivation() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.hire(worker("E2"), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2026-12-04"), at: "2026-11-29T10:00:00Z", effective: instant("2026-12-04T00:00:00Z"))
        try scenario.record("E2", .changed(.terminationDate, old: nil, new: "2026-12-04"), at: "2026-11-29T10:00:00Z", effective: instant("2026-12-04T00:00:00Z"))
        // The contract extended by a week; the other termination rescinded.
        try scenario.record("E1", .changed(.terminationDate, old: "2026-12-04", new: "2026-12-11"), at: "2026-12-01T10:00:00Z", effective: instant("2026-12-11T00:00:00Z"))
        try scenario.record("E2", .changed(.terminationDate, old: "2026-12-04", new: nil), at: "2026-12-01T10:00:00Z")

        let state = try scenario.state(at: "2026-12-10T23:59:59Z")
        #expect(state.users[EmployeeID(rawValue: "E1")]?.status == .active)
        #expect(state.users[EmployeeID(rawValue: "E2")]?.status == .active)
        #expect(try scenario.user("E1", at: "2026-12-11T00:00:00Z")?.status == .deactivated)
        #expect(try scenario.user("E2", at: "2027-06-01T00:00:00Z")?.status == .active)
        // What was true in HR on 5 December, as known now: both still employed (the first date
        // was moved or withdrawn before it came); on the 11th, E1 has left.
        func users(on day: LocalDate) throws -> [EmployeeID: LMSUser] {
            try Replay(effectiveAt: day, now: nil).run(scenario.journal, rules: scenario.rules).users
        }
        #expect(try users(on: date(2026, 12, 5))[EmployeeID(rawValue: "E1")]?.status == .active)
        #expect(try users(on: date(2026, 12, 5))[EmployeeID(rawValue: "E2")]?.status == .active)
        #expect(try users(on: date(2026, 12, 11))[EmployeeID(rawValue: "E1")]?.status == .deactivated)
    }

    @Test func aTerminationDateSetAfterItPassedCountsFromItsDateInValidTime() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        // HR records on the 20th that the last day was the 10th.
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2026-11-10"), at: "2026-11-20T10:00:00Z", effective: instant("2026-11-10T00:00:00Z"))
        let onThe15th = try Replay(effectiveAt: date(2026, 11, 15), now: nil).run(scenario.journal, rules: scenario.rules).users
        #expect(onThe15th[EmployeeID(rawValue: "E1")]?.status == .deactivated)
        let onThe9th = try Replay(effectiveAt: date(2026, 11, 9), now: nil).run(scenario.journal, rules: scenario.rules).users
        #expect(onThe9th[EmployeeID(rawValue: "E1")]?.status == .active)
    }

    @Test func aHireDateMovedPastTheTerminationDateCancelsIt() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", hired: date(2026, 12, 14)), at: "2026-11-29T09:00:00Z")
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2027-01-15"), at: "2026-11-29T10:00:00Z", effective: instant("2027-01-15T00:00:00Z"))
        // The start moved to after that date: the date is a past employment's now.
        try scenario.record("E1", .changed(.hireDate, old: "2026-12-14", new: "2027-02-01"), at: "2026-12-01T10:00:00Z")
        #expect(try scenario.user("E1", at: "2027-01-20T00:00:00Z") == nil)
        #expect(try scenario.user("E1", at: "2027-02-01T00:00:00Z")?.status == .active)
    }

    @Test func aTerminatedWorkersDateMovedIntoThePastDeactivatesOnceAtOnce() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.terminate("E1", on: date(2026, 12, 10), zone: "Europe/London", at: "2026-11-29T10:00:00Z")
        let moved = try scenario.record(
            "E1", .changed(.terminationDate, old: "2026-12-10", new: "2026-11-25"), at: "2026-11-30T10:00:00Z", effective: instant("2026-11-25T00:00:00Z"))
        var state = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        let user = try #require(state.users[EmployeeID(rawValue: "E1")])
        #expect(user.status == .deactivated)
        #expect(user.statusProvenance.cause == moved && user.statusProvenance.rule == "termination")
        // Nothing is left to fire: the old date's timer went with it.
        #expect(state.advance(to: instant("2027-01-01T00:00:00Z")).isEmpty)
    }

    @Test func aTerminationDateAlreadyPassedDeactivatesAtOnceAndClearingItReactivates() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2026-11-20"), at: "2026-11-29T10:00:00Z", effective: instant("2026-11-20T00:00:00Z"))
        let ended = try #require(try scenario.user("E1", at: "2026-11-29T10:00:00Z"))
        #expect(ended.status == .deactivated)
        #expect(ended.statusProvenance.at == instant("2026-11-29T10:00:00Z"))
        #expect(ended.statusProvenance.rule == "termination")
        #expect(try scenario.state(at: "2026-11-29T10:00:00Z")[worker: EmployeeID(rawValue: "E1")]?.endedByDate == true)
        // Entered in error: the date is cleared, and the same user comes back.
        let cleared = try scenario.record("E1", .changed(.terminationDate, old: "2026-11-20", new: nil), at: "2026-11-30T10:00:00Z")
        let back = try #require(try scenario.user("E1", at: "2026-11-30T10:00:00Z"))
        #expect(back.status == .active)
        #expect(back.statusProvenance.cause == cleared && back.statusProvenance.rule == "status")
        #expect(back.assignments == ended.assignments)
    }

    @Test func aTerminationDateBeforeTheHireDateIsAPastEmploymentsAndChangesNothing() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", hired: date(2026, 11, 2)), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2024-06-30"), at: "2026-11-29T10:00:00Z", effective: instant("2024-06-29T23:00:00Z"))
        #expect(try scenario.user("E1", at: "2027-01-01T00:00:00Z")?.status == .active)
    }

    @Test func aFixedTermHireActivatesOnItsFirstDayAndDeactivatesOnItsLast() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("S1", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-29T09:00:00Z")
        // Sydney's 26 February 2027 starts at 13:00 UTC on the 25th (UTC+11).
        try scenario.record("S1", .changed(.terminationDate, old: nil, new: "2027-02-26"), at: "2026-11-29T09:00:00Z", effective: instant("2027-02-25T13:00:00Z"))
        #expect(try scenario.user("S1", at: "2026-11-30T12:59:59Z") == nil)
        #expect(try scenario.user("S1", at: "2026-11-30T13:00:00Z")?.status == .active)
        #expect(try scenario.user("S1", at: "2027-02-25T12:59:59Z")?.status == .active)
        #expect(try scenario.user("S1", at: "2027-02-25T13:00:00Z")?.status == .deactivated)
    }

    @Test func aNoShowWhoseTerminationCameBeforeTheirFirstDayGetsNoUserAndIsToldWhy() throws {
        let scenario = try Scenario()
        // Hires take effect at 09:00 on their date, terminations at its midnight: ended before starting.
        let noShow = worker("E1", hired: date(2026, 12, 7))
        try scenario.record("E1", .hired(noShow), at: "2026-11-29T09:00:00Z", effective: instant("2026-12-07T09:00:00Z"))
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2026-12-07"), at: "2026-12-01T09:00:00Z", effective: instant("2026-12-07T00:00:00Z"))
        let state = try scenario.state(at: "2026-12-08T00:00:00Z")
        #expect(state.users[EmployeeID(rawValue: "E1")] == nil)
        let why = "their termination date 2026-12-07 passed before an LMS user was made (HR still reports them active)"
        #expect(state[worker: EmployeeID(rawValue: "E1")]?.whyNoUser(under: scenario.rules) == why)
        // Between the two moments, no first day is still "to come": none will make a user, and
        // nothing is due to fire.
        let between = try #require(try scenario.state(at: "2026-12-07T05:00:00Z")[worker: EmployeeID(rawValue: "E1")])
        #expect(between.whyNoUser(under: scenario.rules) == why)
        #expect(between.nextDue(under: scenario.rules) == nil)
    }

    @Test func aLondonToNewYorkTransferMovesGroupsAndAssignsCompliance() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        let move = try scenario.record("E1", .changed(.location, old: "LON", new: "NYC"), at: "2026-11-29T10:00:00Z")
        try scenario.record("E1", .changed(.timeZone, old: "Europe/London", new: "America/New_York"), at: "2026-11-29T10:00:00Z")

        let before = try #require(try scenario.user("E1", at: "2026-11-29T09:00:00Z"))
        #expect(before.groups.keys.sorted() == ["IT Dept", "London"])
        let after = try #require(try scenario.user("E1", at: "2026-11-29T10:00:00Z"))
        #expect(after.groups.keys.sorted() == ["IT Dept", "New York"])
        #expect(after.groups["New York"]?.rule == "locations")
        #expect(after.groups["New York"]?.cause == move)
        let course = try #require(after.assignments["NY_Harassment_Prevention"])
        #expect(course.provenance.rule == "nyc-compliance")
        #expect(course.due == date(2026, 12, 29))
    }

    @Test func aTransferLateInTheNewYorkEveningIsDueFromTheNewYorkDate() throws {
        // 21:00 on 29 November in New York is already 30 November in London. The zone's change
        // comes first in the row's events (as the feed diff journals them), so the course is due
        // thirty days from the New York date.
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .changed(.timeZone, old: "Europe/London", new: "America/New_York"), at: "2026-11-30T02:00:00Z")
        try scenario.record("E1", .changed(.location, old: "LON", new: "NYC"), at: "2026-11-30T02:00:00Z")
        let after = try #require(try scenario.user("E1", at: "2026-11-30T02:00:01Z"))
        #expect(after.groups.keys.sorted() == ["IT Dept", "New York"])
        #expect(after.assignments["NY_Harassment_Prevention"]?.due == date(2026, 12, 29))
    }

    @Test func aPromotionToManagerAssignsLeadershipOnce() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        let promotion = try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-29T10:00:00Z")
        try scenario.record("E1", .changed(.jobTitle, old: "Data Manager", new: "Senior Manager"), at: "2026-12-10T10:00:00Z")

        let user = try #require(try scenario.user("E1", at: "2026-12-11T00:00:00Z"))
        let leadership = try #require(user.assignments["Leadership_101"])
        #expect(leadership.provenance.rule == "leadership")
        #expect(leadership.provenance.ruleSet == Scenario.standardRules.version)
        #expect(leadership.provenance.cause == promotion)
        #expect(leadership.due == date(2026, 12, 29))
        // A title that does not match assigns nothing.
        let other = try Scenario()
        try other.hire(worker("E2"), at: "2026-11-02T09:00:00Z")
        try other.record("E2", .changed(.jobTitle, old: "Data Analyst", new: "Senior Data Analyst"), at: "2026-11-29T10:00:00Z")
        #expect(try other.user("E2", at: "2026-11-30T00:00:00Z")?.assignments["Leadership_101"] == nil)
    }

    @Test func aRehireReactivatesTheSameUserWithItsAssignments() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-03T10:00:00Z")
        try scenario.terminate("E1", on: date(2026, 11, 10), zone: "Europe/London", at: "2026-11-10T09:00:00Z")
        var back = worker("E1", hired: date(2026, 12, 1))
        back.jobTitle = "Data Manager"
        try scenario.record("E1", .rehired(back), at: "2026-11-29T09:00:00Z", effective: date(2026, 12, 1).start(in: Zones.named("Europe/London")!))

        // Deactivated until the new first day.
        #expect(try scenario.user("E1", at: "2026-11-30T23:59:59Z")?.status == .deactivated)
        let user = try #require(try scenario.user("E1", at: "2026-12-01T00:00:00Z"))
        #expect(user.status == .active)
        #expect(user.statusProvenance.rule == "rehire")
        #expect(user.assignments["Leadership_101"] != nil)
        // Onboarding is kept as first assigned (on_rehire: keep); the rehire course is new.
        #expect(user.assignments["Onboarding_Path"]?.due == date(2026, 11, 16))
        #expect(user.assignments["Welcome_Back"]?.due == date(2026, 12, 8))
    }

    @Test func aRehireCanReassignOnboarding() throws {
        var rules = Scenario.standardRules
        rules.triggers[0].event = .hire(reassignOnRehire: true)
        let scenario = try Scenario(rules: rules)
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.terminate("E1", on: date(2026, 11, 10), zone: "Europe/London", at: "2026-11-10T09:00:00Z")
        try scenario.record("E1", .rehired(worker("E1", hired: date(2026, 11, 29))), at: "2026-11-29T09:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-29T09:00:00Z")?.assignments["Onboarding_Path"]?.due == date(2026, 12, 13))
    }

    @Test func aNameChangeRenamesTheUser() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", first: "María", last: "González", preferred: "Mia"), at: "2026-11-02T09:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-03T00:00:00Z")?.firstName == "Mia")
        let old = PersonName(legalFirst: "María", legalLast: "González", preferredFirst: "Mia")
        let new = PersonName(legalFirst: "María", legalLast: "Okafor", preferredFirst: "Mia")
        try scenario.record("E1", .nameChanged(old: old, new: new), at: "2026-11-29T10:00:00Z")
        let user = try #require(try scenario.user("E1", at: "2026-11-29T10:00:00Z"))
        #expect(user.firstName == "Mia")
        #expect(user.lastName == "Okafor")

        scenario.rules.names = .legal
        #expect(try scenario.user("E1", at: "2026-11-29T10:00:00Z")?.firstName == "María")
    }

    @Test func aContractorConvertedToFullTimeIsProvisioned() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("C1", type: .contractor), at: "2026-11-02T09:00:00Z")
        #expect(try scenario.user("C1", at: "2026-11-28T00:00:00Z") == nil)
        try scenario.record("C1", .converted(from: .contractor, to: .fullTime), at: "2026-11-29T10:00:00Z")
        let user = try #require(try scenario.user("C1", at: "2026-11-29T10:00:00Z"))
        #expect(user.status == .active)
        #expect(user.assignments["Onboarding_Path"]?.due == date(2026, 12, 13))
        #expect(user.assignments["Benefits_Enrolment"]?.provenance.rule == "benefits")
    }

    @Test func aWorkerLeavingScopeIsDeactivatedAndComesBack() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .converted(from: .fullTime, to: .contractor), at: "2026-11-20T10:00:00Z")
        let out = try #require(try scenario.user("E1", at: "2026-11-21T00:00:00Z"))
        #expect(out.status == .deactivated)
        #expect(out.statusProvenance.rule == "scope")
        try scenario.record("E1", .converted(from: .contractor, to: .fullTime), at: "2026-11-29T10:00:00Z")
        let back = try #require(try scenario.user("E1", at: "2026-11-29T10:00:00Z"))
        #expect(back.status == .active)
        // The same user: the first onboarding stands.
        #expect(back.assignments["Onboarding_Path"]?.due == date(2026, 11, 16))
    }

    @Test func aFieldChangeTheScopeReadsTakesAWorkerOutAndOthersLeaveThemThere() throws {
        var rules = Scenario.standardRules
        rules.scope.exclude = [WorkerCondition(.field(.location), .oneOf(["LAX"]))]
        let scenario = try Scenario(rules: rules)
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        // A change of a field the scope does not read leaves an active user active.
        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Senior Data Analyst"), at: "2026-11-10T09:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-10T10:00:00Z")?.status == .active)
        // Moved to an excluded location: out of scope, deactivated by the scope rule.
        try scenario.record("E1", .changed(.location, old: "LON", new: "LAX"), at: "2026-11-20T09:00:00Z")
        let out = try #require(try scenario.user("E1", at: "2026-11-20T10:00:00Z"))
        #expect(out.status == .deactivated)
        #expect(out.statusProvenance.rule == "scope")
        // Another field's change keeps them out; moving back brings the same user back.
        try scenario.record("E1", .changed(.jobTitle, old: "Senior Data Analyst", new: "Lead Data Analyst"), at: "2026-11-21T09:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-21T10:00:00Z")?.status == .deactivated)
        try scenario.record("E1", .changed(.location, old: "LAX", new: "LON"), at: "2026-11-25T09:00:00Z")
        let back = try #require(try scenario.user("E1", at: "2026-11-25T10:00:00Z"))
        #expect(back.status == .active)
        #expect(back.assignments["Onboarding_Path"]?.due == date(2026, 11, 16))
    }

    @Test func scopeByDepartmentCustomAttributeAndStatusIsFoldedAsTheWorkersChange() throws {
        var rules = Scenario.standardRules
        rules.scope.include = [
            WorkerCondition(.field(.departmentName), .oneOf(["Information Technology", "Sales"])),
            WorkerCondition(.custom("union_member"), .pattern(try ValuePattern("^y"))),
        ]
        rules.scope.exclude = [WorkerCondition(.field(.status), .oneOf(["on_leave"]))]
        let scenario = try Scenario(rules: rules)
        var member = worker("E1")
        member.custom["union_member"] = "yes"
        try scenario.hire(member, at: "2026-11-02T09:00:00Z")
        try scenario.hire(worker("E2"), at: "2026-11-02T09:00:01Z")
        #expect(try scenario.user("E1", at: "2026-11-02T10:00:00Z")?.status == .active)
        #expect(try scenario.user("E2", at: "2026-11-02T10:00:00Z") == nil, "no union_member value: never in scope")
        // A custom attribute that comes to match brings a worker in.
        try scenario.record("E2", .attributeChanged(name: "union_member", old: nil, new: "Yes"), at: "2026-11-05T09:00:00Z")
        #expect(try scenario.user("E2", at: "2026-11-05T10:00:00Z")?.status == .active)
        // A department outside the list takes one out; on leave takes the other out.
        try scenario.record("E1", .changed(.departmentName, old: "Information Technology", new: "Finance"), at: "2026-11-10T09:00:00Z")
        let moved = try #require(try scenario.user("E1", at: "2026-11-10T10:00:00Z"))
        #expect(moved.status == .deactivated && moved.statusProvenance.rule == "scope")
        try scenario.record("E2", .changed(.status, old: "active", new: "on_leave"), at: "2026-11-12T09:00:00Z")
        #expect(try scenario.user("E2", at: "2026-11-12T10:00:00Z")?.status == .deactivated)
        // Back from leave, and back to a listed department: the same users, active again.
        try scenario.record("E2", .changed(.status, old: "on_leave", new: "active"), at: "2026-11-20T09:00:00Z")
        try scenario.record("E1", .changed(.departmentName, old: "Finance", new: "Sales"), at: "2026-11-21T09:00:00Z")
        #expect(try scenario.user("E2", at: "2026-11-20T10:00:00Z")?.status == .active)
        let back = try #require(try scenario.user("E1", at: "2026-11-21T10:00:00Z"))
        #expect(back.status == .active && back.assignments["Onboarding_Path"] != nil)
    }

    @Test func absenceArchivesAfterThreeSnapshotsAndRestoreBringsTheUserBack() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.snapshot("b1", absent: ["E1"], at: "2026-11-20T02:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-20T03:00:00Z")?.status == .active)
        try scenario.snapshot("b2", at: "2026-11-21T02:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-21T03:00:00Z")?.status == .active)
        try scenario.snapshot("b3", at: "2026-11-22T02:00:00Z")
        let archived = try #require(try scenario.user("E1", at: "2026-11-22T03:00:00Z"))
        #expect(archived.status == .archived)
        #expect(archived.statusProvenance.rule == "absence")

        try scenario.restore("E1", at: "2026-11-29T10:00:00Z")
        let restored = try #require(try scenario.user("E1", at: "2026-11-29T10:00:00Z"))
        #expect(restored.status == .active)
        #expect(restored.statusProvenance.rule == "restore")
        #expect(restored.groups == archived.groups)
        #expect(restored.assignments == archived.assignments)
    }

    @Test func absenceArchivesAfterTheGraceDays() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.snapshot("b1", absent: ["E1"], at: "2026-11-10T02:00:00Z")
        #expect(try scenario.user("E1", at: "2026-11-24T01:59:59Z")?.status == .active)
        let user = try #require(try scenario.user("E1", at: "2026-11-24T02:00:00Z"))
        #expect(user.status == .archived)
        #expect(user.statusProvenance.at == instant("2026-11-24T02:00:00Z"))
    }

    @Test func returningToTheFeedClearsAnAbsence() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.snapshot("b1", absent: ["E1"], at: "2026-11-10T02:00:00Z")
        try scenario.record("E1", .returned(feed: "hris", batch: "b2"), at: "2026-11-11T02:00:00Z")
        try scenario.snapshot("b3", at: "2026-11-12T02:00:00Z")
        try scenario.snapshot("b4", at: "2026-11-13T02:00:00Z")
        #expect(try scenario.user("E1", at: "2026-12-01T00:00:00Z")?.status == .active)
    }

    @Test func anExplicitTerminationSkipsTheGracePeriod() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        try scenario.snapshot("b1", absent: ["E1"], at: "2026-11-10T02:00:00Z")
        try scenario.terminate("E1", on: date(2026, 11, 10), zone: "Europe/London", at: "2026-11-11T09:00:00Z")
        let user = try #require(try scenario.user("E1", at: "2026-11-11T09:00:00Z"))
        #expect(user.status == .deactivated)
        #expect(user.statusProvenance.rule == "termination")
    }

    @Test func unmappedCodesAreReportedNotDropped() throws {
        let scenario = try Scenario()
        var finance = worker("E1")
        finance.departmentName = "Finance"
        try scenario.hire(finance, at: "2026-11-02T09:00:00Z")
        let user = try #require(try scenario.user("E1", at: "2026-11-03T00:00:00Z"))
        #expect(user.unmapped == ["departments": "Finance"])
        #expect(user.groups.keys.sorted() == ["London"])
    }
}

extension WorkflowTests {
    /// Valid time: what was true in HR on a date, as known now, at the end of that date in each
    /// worker's own time zone; recorded time (`asOf`) bounds what is known.
    @Test func effectiveAtAnswersWhatHRHeldOnADateAsKnownNow() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", hired: date(2026, 11, 2)), at: "2026-11-02T09:00:00Z")
        try scenario.hire(worker("S1", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-03T09:00:00Z")
        // Recorded on the 29th, a termination HR dates back to the 20th.
        try scenario.terminate("E1", on: date(2026, 11, 20), zone: "Europe/London", at: "2026-11-29T10:00:00Z")
        func users(on day: LocalDate, asOf: String? = nil) throws -> [EmployeeID: LMSUser] {
            try Replay(asOf: asOf.map(instant), effectiveAt: day, now: instant("2026-12-31T00:00:00Z")).run(scenario.journal, rules: scenario.rules).users
        }
        #expect(try users(on: date(2026, 11, 19))[EmployeeID(rawValue: "E1")]?.status == .active)
        // As known now, E1 was gone on the 25th, though Roster learned it on the 29th...
        #expect(try users(on: date(2026, 11, 25))[EmployeeID(rawValue: "E1")]?.status == .deactivated)
        // ...and as known on the 26th, E1 was still there.
        #expect(try users(on: date(2026, 11, 25), asOf: "2026-11-26T00:00:00Z")[EmployeeID(rawValue: "E1")]?.status == .active)
        // Sydney's first day: not on 30 November, yes on 1 December (their own date).
        #expect(try users(on: date(2026, 11, 30))[EmployeeID(rawValue: "S1")] == nil)
        #expect(try users(on: date(2026, 12, 1))[EmployeeID(rawValue: "S1")]?.status == .active)
    }

    /// A termination date sent ahead takes effect at the start of that date: in valid time the
    /// worker is still there at the end of the day before (what is due at the end of a day
    /// belongs to the next), and gone on the date.
    @Test func inValidTimeALastDaySentAheadEndsOnTheDateNotTheDayBefore() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", location: "NYC", zone: "America/New_York"), at: "2026-11-02T09:00:00Z")
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2027-01-15"), at: "2026-11-29T10:00:00Z", effective: instant("2027-01-15T05:00:00Z"))
        func status(on day: LocalDate) throws -> LMSUser.Status? {
            try Replay(effectiveAt: day, now: nil).run(scenario.journal, rules: scenario.rules).users[EmployeeID(rawValue: "E1")]?.status
        }
        #expect(try status(on: date(2027, 1, 14)) == .active)
        #expect(try status(on: date(2027, 1, 15)) == .deactivated)
        // Likewise a first day: not on the day before.
        try scenario.hire(worker("E2", location: "NYC", zone: "America/New_York", hired: date(2027, 2, 1)), at: "2026-12-01T09:00:00Z")
        let before = try Replay(effectiveAt: date(2027, 1, 31), now: nil).run(scenario.journal, rules: scenario.rules)
        #expect(before.users[EmployeeID(rawValue: "E2")] == nil)
    }

    /// A future hire missing from the feed until archived, before the first day: no user was ever
    /// made (recorded time), and valid time on the first day agrees. The hire, recorded ahead of
    /// its day, is folded at its recording, so the absences recorded after it still come after it.
    @Test func inValidTimeAFutureHireArchivedBeforeTheFirstDayHasNoUser() throws {
        let scenario = try Scenario()
        try scenario.hire(worker("E1", hired: date(2030, 1, 7)), at: "2026-11-02T09:00:00Z")
        for (index, day) in ["2026-11-03", "2026-11-04", "2026-11-05"].enumerated() {
            try scenario.snapshot("b\(index)", absent: index == 0 ? ["E1"] : [], at: "\(day)T02:00:00Z")
        }
        let live = try scenario.state(at: "2030-02-01T00:00:00Z")[worker: EmployeeID(rawValue: "E1")]
        #expect(live?.user == nil && live?.archived != nil)
        let onTheFirstDay = try Replay(effectiveAt: date(2030, 1, 7), now: nil).run(scenario.journal, rules: scenario.rules)
        #expect(onTheFirstDay.users[EmployeeID(rawValue: "E1")] == nil)
    }

    /// A worker hired in 2021 and loaded into Roster in 2026 (the first feed): in valid time, the
    /// hire happened on the first day, so onboarding was due two weeks after it, whatever the date
    /// asked about, and stays assigned. (Folded at its recording, the window and the due date
    /// were read from the date asked about: due in July when asked about July, gone after.)
    @Test func inValidTimeAHireLoadedYearsLaterHappensOnItsFirstDay() throws {
        var rules = Scenario.standardRules
        rules.newHireWindowDays = 30
        let scenario = try Scenario(rules: rules)
        try scenario.hire(worker("E1", hired: date(2021, 6, 14)), at: "2026-11-02T09:00:00Z")
        func onboarding(on day: LocalDate) throws -> Assignment? {
            try Replay(effectiveAt: day, now: nil).run(scenario.journal, rules: scenario.rules).users[EmployeeID(rawValue: "E1")]?.assignments["Onboarding_Path"]
        }
        for day in [date(2021, 6, 14), date(2021, 7, 13), date(2021, 7, 20), date(2026, 11, 26)] {
            #expect(try onboarding(on: day)?.due == date(2021, 6, 28), "on \(day)")
        }
        #expect(try onboarding(on: date(2021, 6, 13)) == nil)
        // Roster itself met E1 in 2026, long past the window: the live state has no onboarding.
        #expect(try scenario.user("E1", at: "2026-11-03T00:00:00Z")?.assignments["Onboarding_Path"] == nil)
    }
}
