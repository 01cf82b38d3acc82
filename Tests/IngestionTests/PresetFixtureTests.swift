import CSV
import Foundation
import Ingestion
import Testing
import Workforce

/// A file in each preset's shape, with that vendor's encoding, separator and codes.
@Suite struct PresetFixtureTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return Array(try Data(contentsOf: url))
    }

    func read(_ name: String, preset: FeedPreset, configure: (inout FeedConfiguration) -> Void = { _ in }) throws -> FeedReader.Result {
        var feed = FeedConfiguration(name: preset.name, kind: .csvSnapshot, preset: preset)
        feed.locationTimeZones = ["LON": "Europe/London", "NYC": "America/New_York", "SYD": "Australia/Sydney", "TYO": "Asia/Tokyo"]
        feed.defaultTimeZone = "Europe/Berlin"
        configure(&feed)
        return try FeedReader(feed: feed).read(try Self.fixture(name), file: name)
    }

    @Test func bamboohr() throws {
        let result = try read("bamboohr.csv", preset: .bamboohr)
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.records.map(\.id.rawValue) == ["1001", "1002", "1003", "1004"])
        let maria = result.records[0]
        #expect(maria.legalFirstName == "María" && maria.preferredFirstName == "Mia")
        #expect(maria.email == "maria.gonzalez@example.com")
        #expect(maria.jobTitle == "Manager, Data Analytics")
        #expect(maria.departmentName == "Information Technology" && maria.departmentCode == "IT-200")
        #expect(maria.timeZone == "Europe/London")
        #expect(maria.managerID?.rawValue == "0042")
        #expect(maria.employmentType == .fullTime && maria.status == .active)
        #expect(maria.hireDate == LocalDate(year: 2019, month: 3, day: 11))
        // "Terminated" in Employment Status says nothing of the type: the worker keeps theirs.
        let chen = result.records[2]
        #expect(chen.status == .terminated && chen.employmentType == nil)
        #expect(chen.terminationDate == LocalDate(year: 2026, month: 10, day: 31))
        #expect(result.records[3].employmentType == .contractor)
        #expect(result.records[3].timeZone == "Europe/Berlin")
    }

    @Test func workday() throws {
        let result = try read("workday.csv", preset: .workday)
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.records.map(\.id.rawValue) == ["W-2001", "W-2002", "W-2003"])
        #expect(result.records[0].hireDate == LocalDate(year: 2020, month: 4, day: 1))
        #expect(result.records[0].jobCode == "ENG-SWE-3")
        #expect(result.records[0].timeZone == "Asia/Tokyo")
        #expect(result.records[1].employmentType == .contractor && result.records[1].preferredFirstName == "Rafa")
        #expect(result.records[2].status == .terminated)
        #expect(result.records[2].terminationDate == LocalDate(year: 2026, month: 11, day: 15))
        #expect(result.records[2].costCenter == "CC-9100")
    }

    @Test func adpInWindows1252() throws {
        let result = try read("adp.csv", preset: .adp) { $0.format = CSVFormat(encoding: .windows1252) }
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.records.map { "\($0.legalFirstName!) \($0.legalLastName!)" } == ["José Müller", "Zoë O'Brien", "François Dubois"])
        #expect(result.records[0].jobTitle == "Store Manager – Downtown")
        #expect(result.records.map(\.status) == [.active, .onLeave, .terminated])
        #expect(result.records.map(\.employmentType) == [.fullTime, .partTime, .temporary])
        #expect(result.records[1].hireDate == LocalDate(year: 2024, month: 7, day: 1))
        #expect(result.records[2].terminationDate == LocalDate(year: 2026, month: 1, day: 10))
    }

    @Test func adpReadAsUTF8IsRefusedNamingTheByte() throws {
        let error = #expect(throws: FeedFileError.self) { try read("adp.csv", preset: .adp) }
        #expect(error?.code == .undecodable)
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("adp.csv, line 2, column 9:") == true)
    }

    @Test func successFactorsInUTF16() throws {
        let result = try read("successfactors.csv", preset: .successfactors)
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.records.map(\.legalLastName) == ["Żółć", "Yılmaz", "Петров"])
        #expect(result.records.map(\.employmentType) == [.fullTime, .intern, .fullTime])
        #expect(result.records.map(\.status) == [.active, .active, .onLeave])
    }

    @Test func ukgWithPipes() throws {
        let result = try read("ukg.csv", preset: .ukg)
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.records.map(\.employmentType) == [.fullTime, .temporary, .intern])
        #expect(result.records[0].departmentCode == "CLIN" && result.records[0].costCenter == "CC-700")
        #expect(result.records[2].status == .terminated)
    }

    @Test func genericWithSemicolonsAndALineBreakInAField() throws {
        let result = try read("generic.csv", preset: .generic)
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.records[0].jobTitle == "Head of \"Learning\"\nand Development")
        #expect(result.records[1].line == 4)
        #expect(result.records[1].status == .pending)
        #expect(result.records[1].managerID?.rawValue == "E1")
    }
}

@Suite struct FeedDocumentationTests {
    @Test func docsFeedsShowsThePresetsAsTheyAre() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/feeds.md")
        var text = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(text.range(of: "<!-- presets:start -->"))
        let end = try #require(text.range(of: "<!-- presets:end -->"))
        let rendered = FeedPreset.documentation()
        // ROSTER_RECORD_GOLDEN=1 rewrites the section after a deliberate change to a preset.
        if ProcessInfo.processInfo.environment["ROSTER_RECORD_GOLDEN"] == "1" {
            text.replaceSubrange(start.upperBound..<end.lowerBound, with: rendered)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[start.upperBound..<end.lowerBound]) == rendered, "run ROSTER_RECORD_GOLDEN=1 swift test --filter FeedDocumentationTests")
    }
}
