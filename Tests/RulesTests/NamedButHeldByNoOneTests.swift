import Rules
import Testing
import Workforce

/// What a rule set names that no worker has: shown by `roster rebuild --plan`, since a typo in a
/// value, a location or a custom attribute is accepted and silently never matches.
@Suite struct NamedButHeldByNoOneTests {
    static let workers = [
        Worker(
            id: EmployeeID(rawValue: "E1"), legalFirstName: "Ada", legalLastName: "Lovelace", departmentName: "Information Technology",
            location: "LON", employmentType: .fullTime, custom: ["union": "yes"]),
        Worker(id: EmployeeID(rawValue: "E2"), legalFirstName: "Bo", legalLastName: "Kim", departmentName: "sales ", location: "NYC", employmentType: .contractor),
    ]

    @Test func typosInValuesLocationsAndCustomAttributesAreFound() throws {
        let rules = RuleSet(
            version: String(repeating: "a", count: 64), text: "",
            scope: Scope(
                include: [WorkerCondition(.field(.departmentName), .oneOf(["Information Technology", "Sales", "Finanse"]))],
                exclude: [WorkerCondition(.custom("unoin"), .oneOf(["yes"])), WorkerCondition(.employmentType, .oneOf(["intern"]))]),
            groups: [
                GroupMapping(id: "departments", attribute: .field(.departmentName), table: ["Informaton Technology": "IT", "SALES": "Sales"]),
                GroupMapping(id: "union", attribute: .custom("union"), table: ["yes": "Union members"]),
            ],
            triggers: [
                AssignmentTrigger(id: "nyc", on: .transfer(locations: ["NYC", "NYX"]), course: "NY"),
                AssignmentTrigger(id: "lead", on: .change(WorkerCondition(.field(.jobTitle), .pattern(try ValuePattern("manager")))), course: "L"),
                AssignmentTrigger(id: "badge", on: .change(WorkerCondition(.custom("badge"), .oneOf(["gold"]))), course: "B"),
            ])
        #expect(rules.namedButHeldByNoOne(in: Self.workers) == [
            #"scope.include[0]: no worker has department_name "Finanse""#,
            "scope.exclude[0]: no worker has custom.unoin; check the feeds' custom_columns",
            #"groups[departments].map: no worker has department_name "Informaton Technology""#,
            #"triggers[nyc].locations: no worker has location "NYX""#,
            "triggers[badge]: no worker has custom.badge; check the feeds' custom_columns",
        ])
        // Values compare as rules compare them (case and spaces aside); a promotion's title, an
        // employment type nobody has yet, and a table nobody misses say nothing.
        #expect(RuleSet(version: String(repeating: "b", count: 64), text: "").namedButHeldByNoOne(in: Self.workers).isEmpty)
    }
}
