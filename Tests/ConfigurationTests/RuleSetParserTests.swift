import Configuration
import Foundation
import Rules
import Testing
import Workforce

@Suite struct RuleSetParserTests {
    static let full = """
        names: legal
        user_name: employee_id
        pre_start_days: 3
        new_hire_window_days: 45
        scope:
          include:
            employment_type: [full_time, part_time]
            location: LON
          exclude:
            department_name: [Board]
            custom.union_member: { matches: "^y" }
        groups:
          - id: department-groups
            attribute: department_name
            map: { Information Technology: IT Dept, Finance: Finance Team }
          - id: office-groups
            attribute: location
            unmapped: use-value
            prefix: "Office: "
        triggers:
          - id: onboarding
            on: hire
            course: Onboarding_Path
            due_days: 14
            on_rehire: reassign
          - id: leadership
            on: change
            attribute: job_title
            matches: "manager"
            course: Leadership_101
            due_days: 30
          - id: back-from-leave
            on: change
            attribute: status
            in: [active]
            course: Refresher
          - id: nyc-compliance
            on: transfer
            locations: [NYC]
            course: NY_Compliance
          - id: benefits
            on: conversion
            from: [contractor]
            to: [full_time, part_time]
            course: Benefits_Enrolment
          - id: welcome-back
            on: rehire
            course: Welcome_Back
        absence:
          snapshots: never
          days: 30
        """

    @Test func readsEveryRule() throws {
        let rules = try RuleSetParser.parse(Self.full, path: "rules.yml")
        let expected = RuleSet(
            version: rules.version, text: Self.full, names: .legal, userName: .employeeID,
            scope: Scope(
                include: [
                    WorkerCondition(.employmentType, .oneOf(["full_time", "part_time"])),
                    WorkerCondition(.field(.location), .oneOf(["LON"])),
                ],
                exclude: [
                    WorkerCondition(.field(.departmentName), .oneOf(["Board"])),
                    WorkerCondition(.custom("union_member"), .pattern(try ValuePattern("^y"))),
                ]),
            groups: [
                GroupMapping(
                    id: "department-groups", attribute: .field(.departmentName),
                    table: ["Information Technology": "IT Dept", "Finance": "Finance Team"]),
                GroupMapping(
                    id: "office-groups", attribute: .field(.location), table: [:], unmapped: .useValue,
                    prefix: "Office: "),
            ],
            triggers: [
                AssignmentTrigger(
                    id: "onboarding", on: .hire(reassignOnRehire: true), course: "Onboarding_Path", dueDays: 14),
                AssignmentTrigger(
                    id: "leadership",
                    on: .change(WorkerCondition(.field(.jobTitle), .pattern(try ValuePattern("manager")))),
                    course: "Leadership_101", dueDays: 30),
                AssignmentTrigger(
                    id: "back-from-leave", on: .change(WorkerCondition(.field(.status), .oneOf(["active"]))),
                    course: "Refresher"),
                AssignmentTrigger(id: "nyc-compliance", on: .transfer(locations: ["NYC"]), course: "NY_Compliance"),
                AssignmentTrigger(
                    id: "benefits", on: .conversion(from: [.contractor], to: [.fullTime, .partTime]),
                    course: "Benefits_Enrolment"),
                AssignmentTrigger(id: "welcome-back", on: .rehire, course: "Welcome_Back"),
            ],
            absence: AbsencePolicy(snapshots: nil, days: 30), preStartDays: 3, newHireWindowDays: 45)
        #expect(rules == expected)
    }

    @Test func anEmptyMappingTakesEveryDefault() throws {
        let rules = try RuleSetParser.parse("{}", path: "rules.yml")
        #expect(rules.names == .preferred)
        #expect(rules.userName == .email)
        #expect(rules.preStartDays == 0)
        #expect(rules.newHireWindowDays == 30)
        #expect(try RuleSetParser.parse("new_hire_window_days: never\n", path: "rules.yml").newHireWindowDays == nil)
        #expect(rules.scope == Scope())
        #expect(rules.groups.isEmpty && rules.triggers.isEmpty)
        #expect(rules.absence == AbsencePolicy(snapshots: 3, days: 14))
    }

    @Test func triggerDefaults() throws {
        let rules = try RuleSetParser.parse(
            """
            triggers:
              - { id: onboarding, on: hire, course: Onboarding_Path }
              - { id: benefits, on: conversion, to: full_time, course: Benefits }
            absence: { days: never }
            """, path: "rules.yml")
        #expect(
            rules.triggers[0]
                == AssignmentTrigger(id: "onboarding", on: .hire(reassignOnRehire: false), course: "Onboarding_Path"))
        #expect(rules.triggers[1].event == .conversion(from: nil, to: [.fullTime]))
        #expect(rules.absence == AbsencePolicy(snapshots: 3, days: nil))
    }

    @Test func aGroupMappingReportsUnmappedValuesByDefault() throws {
        let rules = try RuleSetParser.parse(
            "groups:\n  - { id: depts, attribute: department_code, map: { D1: One } }\n", path: "rules.yml")
        #expect(
            rules.groups == [
                GroupMapping(id: "depts", attribute: .field(.departmentCode), table: ["D1": "One"], unmapped: .report)
            ])
    }

    @Test(arguments: ["", "# nothing here yet\n", "\n\n"])
    func anEmptyFileIsRefused(text: String) {
        let error = #expect(throws: ConfigurationError.self) { try RuleSetParser.parse(text, path: "rules.yml") }
        #expect(error?.message.contains("would give everyone an LMS user with no groups and no courses") == true)
        #expect(error?.message.contains("`{}`") == true)
    }

    @Test func theVersionIsTheSHA256OfTheText() throws {
        // Digests from `printf '{}' | sha256sum` and `printf '{}\n' | sha256sum`.
        let bare = try RuleSetParser.parse("{}", path: "rules.yml")
        #expect(bare.version == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(bare.text == "{}")
        #expect(bare.shortVersion == "44136fa355b3")
        let withNewline = try RuleSetParser.parse("{}\n", path: "rules.yml")
        #expect(withNewline.version == "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356")
        #expect(
            try RuleSetParser.parse("names: legal\n", path: "rules.yml").version
                == "181da9b8a42ab7c7be3788aa8f933948e94677a950fb4bdc91cf37e29dcb8b46")
    }

    /// A rules file with a mistake, and what its error must say.
    struct Mistake: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let key: String
        let message: String

        init(_ text: String, line: Int, key: String, _ message: String) {
            self.text = text
            self.line = line
            self.key = key
            self.message = message
        }

        /// A file whose first group mapping (`id: a`) has `lines`; the first of them is line 3.
        static func group(_ lines: String, line: Int, key: String, _ message: String) -> Mistake {
            Mistake("groups:\n  - id: a\n" + indented(lines), line: line, key: key, message)
        }

        /// A file whose first trigger (`id: a`) has `lines`; the first of them is line 3.
        static func trigger(_ lines: String, line: Int, key: String, _ message: String) -> Mistake {
            Mistake("triggers:\n  - id: a\n" + indented(lines), line: line, key: key, message)
        }

        static func indented(_ lines: String) -> String {
            lines.split(separator: "\n").map { "    \($0)\n" }.joined()
        }

        var testDescription: String { "\(key): \(message)" }
    }

    static let mistakes: [Mistake] = [
        // Keys and policies
        Mistake("nams: legal\n", line: 1, key: "nams", "did you mean \"names\"?"),
        Mistake(
            "scope:\n  include: {}\n  exlude: {}\n", line: 3, key: "scope.exlude", "Allowed here: include, exclude"),
        Mistake("names: legal\nnames: preferred\n", line: 2, key: "names", "written twice"),
        Mistake("names: nickname\n", line: 1, key: "names", "use preferred, legal"),
        Mistake("user_name: login\n", line: 1, key: "user_name", "use email, employee_id"),
        // Numbers
        Mistake("pre_start_days: -2\n", line: 1, key: "pre_start_days", "whole number, 0 or more"),
        Mistake("absence:\n  snapshots: 0\n", line: 2, key: "absence.snapshots", "1 or more, or `never`"),
        Mistake("absence:\n  days: soon\n", line: 2, key: "absence.days", "1 or more, or `never`"),
        // Scope: attributes, values, patterns
        Mistake(
            "scope:\n  include:\n    departmnt_name: [IT]\n", line: 3, key: "scope.include.departmnt_name",
            "did you mean \"department_name\"?"),
        Mistake("scope:\n  include:\n    grade: A\n", line: 3, key: "scope.include.grade", "job_title, job_code"),
        Mistake(
            "scope:\n  include:\n    employment_type: [full_time, fulltime]\n", line: 3,
            key: "scope.include.employment_type[1]",
            "\"fulltime\" is not an employment type (did you mean \"full_time\"?)"),
        Mistake(
            "scope:\n  exclude:\n    status: retired\n", line: 3, key: "scope.exclude.status", "not a worker status"),
        Mistake("scope:\n  include:\n    location: []\n", line: 3, key: "scope.include.location", "matches nobody"),
        Mistake(
            "scope:\n  exclude:\n    job_title: { matches: \"(manager\" }\n", line: 3,
            key: "scope.exclude.job_title.matches",
            "\"(manager\" is not a valid regular expression: expected ')'"),
        Mistake(
            "scope:\n  exclude:\n    job_title: { pattern: x }\n", line: 3, key: "scope.exclude.job_title.pattern",
            "unknown key \"pattern\". Allowed here: matches"),
        // Groups
        Mistake("groups:\n  - attribute: location\n", line: 2, key: "groups[0]", "needs an `id`"),
        Mistake("groups:\n  - id: office groups\n", line: 2, key: "groups[0].id", "letters, digits"),
        Mistake("groups: { id: a }\n", line: 1, key: "groups", "expected a list"),
        .group("map: { LON: London }", line: 2, key: "groups[0]", "needs an `attribute`"),
        .group("attribute: location", line: 2, key: "groups[0]", "needs a `map`"),
        .group("attribute: location\nmap: {}", line: 4, key: "groups[0].map", "the map is empty"),
        .group(
            "attribute: location\nmap: { LON: London, \"lon \": L }", line: 4, key: "groups[0].map.lon ",
            "the same value"),
        .group(
            "attribute: employment_type\nmap: { Full Time: FT }", line: 4, key: "groups[0].map.Full Time",
            "employment type"),
        .group("attribute: location\nunmapped: ignore", line: 4, key: "groups[0].unmapped", "use report, use-value"),
        .group(
            "attribute: location\nmap: { LON: London }\nprefix: \"Office: \"", line: 5, key: "groups[0].prefix",
            "add `unmapped: use-value`"),
        // Triggers: keys
        .trigger("course: A", line: 2, key: "triggers[0]", "needs `on`"),
        .trigger("onn: hire\ncourse: A", line: 3, key: "triggers[0].onn", "did you mean \"on\"?"),
        .trigger("on: hired\ncourse: A", line: 3, key: "triggers[0].on", "did you mean \"hire\"?"),
        .trigger("on: hire\ncorse: A", line: 4, key: "triggers[0].corse", "did you mean \"course\"?"),
        .trigger("on: hire", line: 2, key: "triggers[0]", "needs a `course`"),
        .trigger("on: hire\ncourse: \"\"", line: 4, key: "triggers[0].course", "it is empty"),
        .trigger("on: hire\ncourse: A\ndue_days: -1", line: 5, key: "triggers[0].due_days", "0 or more"),
        .trigger(
            "on: hire\ncourse: A\nlocations: [NYC]", line: 5, key: "triggers[0].locations",
            "`locations` belongs to `on: transfer` triggers, not `on: hire`"),
        .trigger(
            "on: rehire\ncourse: A\non_rehire: keep", line: 5, key: "triggers[0].on_rehire",
            "belongs to `on: hire` triggers"),
        .trigger("on: hire\ncourse: A\non_rehire: again", line: 5, key: "triggers[0].on_rehire", "use reassign, keep"),
        // Triggers: change
        .trigger("on: change\nmatches: x\ncourse: A", line: 2, key: "triggers[0]", "needs an `attribute`"),
        .trigger(
            "on: change\nattribute: title\nin: [x]\ncourse: A", line: 4, key: "triggers[0].attribute",
            "not a worker attribute"),
        .trigger("on: change\nattribute: job_title\ncourse: A", line: 2, key: "triggers[0]", "needs `matches`"),
        .trigger(
            "on: change\nattribute: job_title\nmatches: x\nin: [y]\ncourse: A", line: 6, key: "triggers[0].in",
            "both `matches` and `in`"),
        .trigger(
            "on: change\nattribute: job_title\nmatches: \"[a-\"\ncourse: A", line: 5, key: "triggers[0].matches",
            "expected ']'"),
        .trigger(
            "on: change\nattribute: employment_type\nin: [permanent]\ncourse: A", line: 5, key: "triggers[0].in[0]",
            "not an employment type"),
        // Triggers: transfer and conversion
        .trigger("on: transfer\ncourse: A", line: 2, key: "triggers[0]", "needs `locations`"),
        .trigger("on: transfer\nlocations: []\ncourse: A", line: 4, key: "triggers[0].locations", "matches nobody"),
        .trigger("on: conversion\nfrom: [contractor]\ncourse: A", line: 2, key: "triggers[0]", "needs `to`"),
        .trigger(
            "on: conversion\nto: [full_time, salaried]\ncourse: A", line: 4, key: "triggers[0].to[1]",
            "\"salaried\" is not an employment type"),
        .trigger(
            "on: conversion\nfrom: employee\nto: full_time\ncourse: A", line: 4, key: "triggers[0].from",
            "employment type"),
        // Ids
        Mistake(
            "groups:\n  - { id: a, attribute: location, unmapped: use-value }\n"
                + "triggers:\n  - { id: b, on: rehire, course: B }\n  - { id: a, on: rehire, course: C }\n",
            line: 5, key: "triggers[1].id", "already used by groups[0]"),
        Mistake(
            "triggers:\n  - { id: a, on: rehire, course: B }\n  - { id: a, on: rehire, course: C }\n", line: 3,
            key: "triggers[1].id", "already used by triggers[0]"),
    ]

    @Test(arguments: mistakes)
    func mistakesNameTheirLineAndKey(mistake: Mistake) {
        let error = #expect(throws: ConfigurationError.self) {
            try RuleSetParser.parse(mistake.text, path: "/etc/roster/rules.yml")
        }
        #expect(error?.file == "/etc/roster/rules.yml")
        #expect(error?.line == mistake.line, "\(error?.description ?? "")")
        #expect(error?.key == mistake.key, "\(error?.description ?? "")")
        #expect(error?.message.contains(mistake.message) == true, "\(error?.description ?? "")")
    }

    @Test func errorsNameTheColumn() {
        let error = #expect(throws: ConfigurationError.self) {
            try RuleSetParser.parse(
                "triggers:\n  - id: a\n    on: hire\n    course: A\n    due_days: -1\n", path: "rules.yml")
        }
        #expect(error?.description == "rules.yml:5:15: triggers[0].due_days: expected a whole number, 0 or more")
    }

    @Test func anUnknownAttributeListsTheKnownOnes() {
        let error = #expect(throws: ConfigurationError.self) {
            try RuleSetParser.parse(
                "groups:\n  - { id: g, attribute: grade, unmapped: use-value }\n", path: "rules.yml")
        }
        for name in WorkerAttribute.names { #expect(error?.message.contains(name) == true, "\(name)") }
    }

    /// The repository's root, from this file's path.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theDemoRulesParse() throws {
        let rules = try RuleSetParser.load(path: Self.repository.appendingPathComponent("docs/examples/demo-rules.yml").path)
        #expect(rules.groups.map(\.id) == ["departments", "offices"])
        #expect(rules.triggers.map(\.id) == ["onboarding", "leadership", "nyc-compliance", "benefits"])
    }

    @Test func theSampleInTheDocumentationParses() throws {
        let rules = try RuleSetParser.load(path: Self.repository.appendingPathComponent("docs/examples/rules.yml").path)
        #expect(rules.groups.map(\.id) == ["department-groups", "office-groups", "union-group"])
        #expect(rules.groups[0].outcome(for: Self.worker(department: "Information Technology")) == .group("IT Dept"))
        #expect(rules.groups[0].outcome(for: Self.worker(department: "Legal")) == .unmapped("Legal"))
        #expect(rules.triggers.count == 8)
        #expect(
            rules.triggers.first
                == AssignmentTrigger(
                    id: "onboarding", on: .hire(reassignOnRehire: true), course: "Onboarding_Path", dueDays: 14))
        #expect(rules.scope.admits(Self.worker(department: "Finance")))
        #expect(!rules.scope.admits(Self.worker(department: "Board")))
        #expect(rules.absence == AbsencePolicy(snapshots: 3, days: 14) && rules.preStartDays == 3)
    }

    @Test func theCompleteFileInTheReferenceParses() throws {
        let reference = try String(contentsOf: Self.repository.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        let section = try #require(reference.range(of: "## A complete file"))
        let start = try #require(reference.range(of: "```yaml\n", range: section.upperBound..<reference.endIndex))
        let end = try #require(reference.range(of: "```", range: start.upperBound..<reference.endIndex))
        let rules = try RuleSetParser.parse(String(reference[start.upperBound..<end.lowerBound]), path: "docs/rules.md")
        #expect(rules.groups.count == 2 && rules.triggers.count == 5)
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: ConfigurationError.self) { try RuleSetParser.load(path: "/nonexistent/rules.yml") }
        #expect(error?.description.hasPrefix("/nonexistent/rules.yml: cannot read the rules file") == true)
    }

    // MARK: - `rules` in roster.yml

    static let feeds = "feeds:\n  - name: hr\n    kind: csv-snapshot\n"

    @Test func rosterReadsARulesFileRelativeToItself() throws {
        let directory = try TemporaryDirectory()
        let rulesText = "triggers:\n  - { id: onboarding, on: hire, course: Onboarding_Path, due_days: 14 }\n"
        try directory.write("rules.yml", rulesText)
        try directory.write("roster.yml", Self.feeds + "rules: rules.yml\n")
        let configuration = try RosterConfiguration.load(path: directory.path("roster.yml"))
        #expect(configuration.rulesPath == directory.path("rules.yml"))
        #expect(configuration.rules == (try RuleSetParser.parse(rulesText, path: directory.path("rules.yml"))))
        #expect(configuration.rules?.text == rulesText)
    }

    @Test func aMistakeInTheRulesFileNamesThatFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("rules.yml", "triggers:\n  - id: onboarding\n    on: hire\n    course: \"\"\n")
        try directory.write("roster.yml", Self.feeds + "rules: rules.yml\n")
        let error = #expect(throws: ConfigurationError.self) {
            try RosterConfiguration.load(path: directory.path("roster.yml")).configuredRules()
        }
        #expect(error?.file == directory.path("rules.yml"))
        #expect(error?.line == 4 && error?.key == "triggers[0].course", "\(error?.description ?? "")")
    }

    @Test func aMissingRulesFileIsNamedWhereRosterYmlNamesIt() {
        let error = #expect(throws: ConfigurationError.self) {
            try RosterConfiguration.parse(Self.feeds + "rules: missing/rules.yml\n", path: "/etc/roster/roster.yml").configuredRules()
        }
        #expect(error?.file == "/etc/roster/roster.yml")
        #expect(error?.line == 4 && error?.key == "rules", "\(error?.description ?? "")")
        #expect(error?.message.contains("/etc/roster/missing/rules.yml") == true, "\(error?.description ?? "")")
    }

    @Test func rosterReadsInlineRules() throws {
        let text =
            Self.feeds + """
                rules:
                  names: legal
                  scope:
                    exclude: { employment_type: contractor }
                  triggers:
                    - { id: onboarding, on: hire, course: Onboarding_Path }
                """
        let configuration = try RosterConfiguration.parse(text, path: "/etc/roster/roster.yml")
        let rules = try #require(configuration.rules)
        #expect(configuration.rulesPath == nil)
        #expect(rules.names == .legal)
        #expect(rules.scope.exclude == [WorkerCondition(.employmentType, .oneOf(["contractor"]))])
        #expect(rules.triggers.map(\.id) == ["onboarding"])
        // The kept text is the rules on their own: read back, it gives the same rule set and version.
        #expect(!rules.text.contains("feeds") && rules.text.contains("Onboarding_Path"))
        #expect(try RuleSetParser.parse(rules.text, path: "adopted") == rules)
        // And a change to the inline rules is a new version.
        let changed = try RosterConfiguration.parse(
            text.replacingOccurrences(of: "names: legal", with: "names: preferred"), path: "/etc/roster/roster.yml")
        #expect(changed.rules?.version != rules.version)
    }

    @Test func aMistakeInInlineRulesNamesTheLineInRosterYml() {
        let text = Self.feeds + "rules:\n  triggers:\n    - id: onboarding\n      on: hire\n      locations: [NYC]\n"
        let error = #expect(throws: ConfigurationError.self) { try RosterConfiguration.parse(text, path: "roster.yml").configuredRules() }
        #expect(error?.file == "roster.yml")
        #expect(error?.line == 8, "\(error?.description ?? "")")
        #expect(error?.key == "rules.triggers[0].locations", "\(error?.description ?? "")")
    }

    @Test(
        arguments: [
            ("rules: {}\n", nil, 0, ""),
            ("rules:\n", "rules", 4, "write `rules: {}` if you mean an empty rule set"),
            ("rules: [a, b]\n", "rules", 4, "expected the path of a rules file, or the rules as a mapping"),
            ("rules:\n  nmes: legal\n", "rules.nmes", 5, "did you mean \"names\"?"),
            (
                "rules: { triggers: [{ id: a, on: rehire, course: A }, { id: a, on: rehire, course: B }] }\n",
                "rules.triggers[1].id", 4,
                "already used by rules.triggers[0]"
            ),
        ] as [(String, String?, Int, String)])
    func inlineRulesAreCheckedUnderTheirKey(rules: String, key: String?, line: Int, message: String) throws {
        let text = Self.feeds + rules
        guard let key else {
            let configuration = try RosterConfiguration.parse(text, path: "roster.yml")
            #expect(configuration.rules?.groups.isEmpty == true && configuration.rules?.triggers.isEmpty == true)
            return
        }
        let error = #expect(throws: ConfigurationError.self) { try RosterConfiguration.parse(text, path: "roster.yml").configuredRules() }
        #expect(error?.key == key, "\(error?.description ?? "")")
        #expect(error?.file == "roster.yml")
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test func withoutRulesThereAreNone() throws {
        let configuration = try RosterConfiguration.parse(Self.feeds, path: "roster.yml")
        #expect(configuration.rules == nil && configuration.rulesPath == nil)
    }

    static func worker(department: String) -> Worker {
        Worker(
            id: EmployeeID(rawValue: "E1"), legalFirstName: "Ada", legalLastName: "Lovelace",
            departmentName: department,
            location: "LON", employmentType: .fullTime)
    }
}

/// A directory under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }
}
