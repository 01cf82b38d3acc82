import Journal
import Projections
import Testing
import Workforce

/// What a rule change would do, user by user (`roster rebuild --plan`).
@Suite struct StateDifferenceTests {
    static func provenance(_ rule: String, ruleSet: String = "a") -> Provenance {
        Provenance(rule: rule, ruleSet: ruleSet, cause: JournalPosition(1), at: Timestamp(rawValue: 0))
    }

    static func user(
        _ id: String, status: LMSUser.Status = .active, groups: [String], courses: [(String, LocalDate?)], ruleSet: String = "a", last: String = "Last"
    ) -> LMSUser {
        var user = LMSUser(
            employeeID: EmployeeID(rawValue: id), userName: id.lowercased(), firstName: "First", lastName: last, email: nil, status: status,
            statusProvenance: provenance("hire", ruleSet: ruleSet))
        for group in groups { user.groups.insertIfAbsent(group) { provenance("groups", ruleSet: ruleSet) } }
        for (course, due) in courses {
            user.assignments.insertIfAbsent(course) { Assignment(course: course, due: due, provenance: provenance("trigger", ruleSet: ruleSet)) }
        }
        return user
    }

    @Test func eachUsersGroupsAndCoursesAreComparedInOrder() {
        let (d1, d2, d3) = (LocalDate(year: 2026, month: 12, day: 1)!, LocalDate(year: 2026, month: 12, day: 2)!, LocalDate(year: 2026, month: 12, day: 3)!)
        let old = [
            "E1": Self.user("E1", groups: ["Alpha", "Beta", "Gamma"], courses: [("X", d1), ("Y", d2), ("W", nil)]),
            "E2": Self.user("E2", groups: ["Beta"], courses: [("X", d1)]),
            "E3": Self.user("E3", groups: ["Beta"], courses: []),
        ]
        let new = [
            // Under other rules: provenance alone is no difference.
            "E1": Self.user("E1", groups: ["Beta", "Delta", "Gamma"], courses: [("W", nil), ("Y", d3), ("Z", nil)], ruleSet: "b"),
            "E2": Self.user("E2", status: .deactivated, groups: ["Beta"], courses: [("X", d1)], ruleSet: "b", last: "Other"),
            "E4": Self.user("E4", groups: ["Beta", "Alpha"], courses: [("Z", nil)], ruleSet: "b"),
        ].reduce(into: [EmployeeID: LMSUser]()) { $0[EmployeeID(rawValue: $1.key)] = $1.value }
        let difference = StateDifference(from: old.reduce(into: [:]) { $0[EmployeeID(rawValue: $1.key)] = $1.value }, to: new)
        func pairs(_ list: [(id: EmployeeID, group: String)]) -> [String] { list.map { "\($0.id.rawValue):\($0.group)" } }
        func courses(_ list: [(id: EmployeeID, course: String)]) -> [String] { list.map { "\($0.id.rawValue):\($0.course)" } }
        #expect(difference.usersAdded.map(\.rawValue) == ["E4"])
        #expect(difference.usersRemoved.map(\.rawValue) == ["E3"])
        #expect(pairs(difference.groupsAdded) == ["E1:Delta", "E4:Alpha", "E4:Beta"])
        #expect(pairs(difference.groupsRemoved) == ["E1:Alpha", "E3:Beta"])
        #expect(courses(difference.assignmentsAdded) == ["E1:Z", "E4:Z"])
        #expect(courses(difference.assignmentsRemoved) == ["E1:X"])
        #expect(difference.dueDatesChanged.map { "\($0.id.rawValue):\($0.course):\($0.from!)->\($0.to!)" } == ["E1:Y:2026-12-02->2026-12-03"])
        #expect(difference.statusChanges.map { "\($0.id.rawValue):\($0.from.rawValue)->\($0.to.rawValue)" } == ["E2:active->deactivated"])
        #expect(difference.profilesChanged.map(\.rawValue) == ["E2"])
        #expect(StateDifference(from: new, to: new).isEmpty)
    }
}
