import Configuration
import Ingestion
import Testing
import Workforce

@Suite struct RosterConfigurationTests {
    static let valid = """
        data: ./var
        default_time_zone: Europe/London
        locations:
          LON: Europe/London
          SYD: Australia/Sydney
        safety:
          terminations: { absolute: 25, percent: 2.5 }
          row_drop_percent: 20
        feeds:
          - name: bamboohr
            kind: csv-snapshot
            preset: bamboohr
            columns: { employee_id: "Emp No" }
            status_codes: { "Garden Leave": on_leave }
            employment_type_codes: { Seasonal: temporary }
            custom_columns: { union_member: "Union Member" }
            termination_cutoff: "17:00"
          - name: adp-delta
            kind: csv-delta
            preset: adp
            encoding: windows-1252
            delimiter: ";"
            date_format: dd/MM/yyyy
        """

    @Test func readsEverySetting() throws {
        let configuration = try RosterConfiguration.parse(Self.valid, path: "/etc/roster/roster.yml")
        #expect(configuration.journalPath == "/etc/roster/var/journal")
        #expect(configuration.receivedPath == "/etc/roster/var/received")
        #expect(configuration.safety.terminations == SafetyThresholds.Limit(absolute: 25, percent: 2.5))
        #expect(configuration.safety.rowDropPercent == 20)
        let bamboo = try configuration.feed("bamboohr")
        #expect(bamboo.kind == .csvSnapshot && bamboo.preset.name == "bamboohr")
        #expect(bamboo.columns[.employeeID] == "Emp No")
        #expect(bamboo.statusCodes["Garden Leave"] == .onLeave)
        #expect(bamboo.customColumns["union_member"] == "Union Member")
        #expect(bamboo.locationTimeZones["SYD"] == "Australia/Sydney" && bamboo.defaultTimeZone == "Europe/London")
        #expect(bamboo.terminationCutoff == LocalTime("17:00") && bamboo.hireCutoff == .midnight)
        let adp = try configuration.feed("adp-delta")
        #expect(adp.kind == .csvDelta && adp.format.encoding == .windows1252 && adp.format.delimiter == .semicolon)
        #expect(adp.effectiveDateFormat == .european)
    }

    @Test(arguments: [
        ("feeds:\n  - name: hr\n    kind: csv-snapshot\n    colums: {}\n", 4, "feeds[0].colums", "did you mean \"columns\"?"),
        ("feeds:\n  - name: hr\n    kind: full\n", 3, "feeds[0].kind", "not a feed kind"),
        ("default_time_zone: Mars/Olympus\nfeeds:\n  - name: hr\n    kind: csv-delta\n", 1, "default_time_zone", "is not a time zone"),
        ("feeds:\n  - name: hr\n    kind: csv-delta\n    preset: peoplesoft\n", 4, "feeds[0].preset", "no preset \"peoplesoft\""),
        ("feeds:\n  - name: hr\n    kind: csv-delta\n  - name: hr\n    kind: csv-snapshot\n", 4, "feeds[1].name", "two feeds are named"),
        ("feeds:\n  - name: hr\n    kind: csv-delta\n    status_codes: { X: retired }\n", 4, "feeds[0].status_codes.X", "is not a status"),
        ("safety:\n  terminations: { percent: 150 }\nfeeds:\n  - name: hr\n    kind: csv-delta\n", 2, "safety.terminations.percent", "percentage from 0 to 100"),
        ("feeds:\n  - name: hr\n    kind: csv-delta\n    columns: { employee: X }\n", 4, "feeds[0].columns.employee", "unknown key"),
        ("data: ./d\n", nil, "feeds", "no feeds are configured"),
    ])
    func mistakesNameTheirLineAndKey(text: String, line: Int?, key: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try RosterConfiguration.parse(text, path: "roster.yml") }
        if let line { #expect(error?.line == line, "\(error?.description ?? "")") }
        #expect(error?.key == key, "\(error?.description ?? "")")
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: ConfigurationError.self) { try RosterConfiguration.load(path: "/nonexistent/roster.yml") }
        #expect(error?.description.hasPrefix("/nonexistent/roster.yml: cannot read") == true)
    }

    @Test func anUnknownFeedListsTheKnownOnes() throws {
        let configuration = try RosterConfiguration.parse(Self.valid, path: "roster.yml")
        let error = #expect(throws: ConfigurationError.self) { try configuration.feed("workday") }
        #expect(error?.message.contains("\"bamboohr\", \"adp-delta\"") == true)
    }
}
