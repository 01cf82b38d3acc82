import Foundation
import Journal
import Testing
@testable import Workforce

@Suite struct LocalDateTests {
    @Test(arguments: [
        ("2026-11-29", DateFormat.iso), ("2026-11-29T00:00:00", .iso), ("11/29/2026", .us), ("29/11/2026", .european),
        ("29.11.2026", .dotted), ("20261129", .compact), (" 2026-11-29 ", .iso),
    ])
    func parsesEachFeedFormat(text: String, format: DateFormat) {
        #expect(LocalDate.parse(text, format: format) == LocalDate(year: 2026, month: 11, day: 29))
    }

    @Test func singleDigitDaysAndMonthsAreAcceptedWhereExportsWriteThem() {
        #expect(LocalDate.parse("1/5/2026", format: .us) == LocalDate(year: 2026, month: 1, day: 5))
        #expect(LocalDate.parse("5.1.2026", format: .dotted) == LocalDate(year: 2026, month: 1, day: 5))
    }

    @Test(arguments: [
        ("2026-02-30", DateFormat.iso), ("2026-13-01", .iso), ("2026-1-05", .iso), ("13/29/2026", .us), ("29/13/2026", .european),
        ("2023-02-29", .iso), ("", .iso), ("yesterday", .iso), ("2026/11/29", .iso), ("29-11-2026", .european), ("202611290", .compact),
        ("2026-11-2x", .iso), ("20a6-11-29", .iso), ("2026-+1-29", .iso), ("2026-11-29x", .iso),
    ])
    func refusesWhatIsNotARealDateInTheFormat(text: String, format: DateFormat) {
        #expect(LocalDate.parse(text, format: format) == nil)
    }

    @Test func leapDaysExistOnlyInLeapYears() {
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
    }

    @Test func daysSinceEpochRoundTrips() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(LocalDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(LocalDate(year: 2026, month: 11, day: 29)!.adding(days: 3) == LocalDate(year: 2026, month: 12, day: 2))
    }

    @Test func aDateStartsAtLocalMidnightInTheWorkersZone() throws {
        let day = LocalDate(year: 2027, month: 1, day: 4)!
        let sydney = try #require(Zones.named("Australia/Sydney"))
        let losAngeles = try #require(Zones.named("America/Los_Angeles"))
        #expect(day.start(in: sydney) == Timestamp(iso8601: "2027-01-03T13:00:00Z"))
        #expect(day.start(in: losAngeles) == Timestamp(iso8601: "2027-01-04T08:00:00Z"))
        // London in summer time, with a 17:30 cut-off.
        let london = try #require(Zones.named("Europe/London"))
        let summer = LocalDate(year: 2027, month: 7, day: 1)!
        #expect(summer.start(in: london, cutoff: LocalTime("17:30")!) == Timestamp(iso8601: "2027-07-01T16:30:00Z"))
        #expect(LocalDate.at(Timestamp(iso8601: "2027-01-03T13:00:00Z")!, in: sydney) == day)
    }

    @Test func cutOffTimesParse() {
        #expect(LocalTime("00:00") == .midnight)
        #expect(LocalTime("23:59")?.description == "23:59")
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("7:00") == nil)
    }

    @Test func employeeIDsAreTrimmedAndMustBeReasonable() {
        #expect(EmployeeID(validating: "  E1001 ")?.rawValue == "E1001")
        #expect(EmployeeID(validating: "   ") == nil)
        #expect(EmployeeID(validating: "E1\u{0007}") == nil)
        #expect(EmployeeID(validating: String(repeating: "9", count: 65)) == nil)
    }
}

extension LocalDateTests {
    /// The offset arithmetic agrees with Foundation's calendar on every day of two years, in
    /// zones with daylight saving at midnight (Santiago, Havana), at 02:00 (New York), at 01:00
    /// UTC (London), at half hours (Lord Howe), and none (Kolkata), at midnight and at cut-offs.
    @Test func startAgreesWithTheCalendarAcrossDaylightSaving() throws {
        let zones = ["America/Santiago", "America/Havana", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia"]
        let cutoffs = [LocalTime.midnight, LocalTime("02:30")!, LocalTime("17:00")!]
        for name in zones {
            let zone = try #require(Zones.named(name))
            var day = LocalDate(year: 2026, month: 1, day: 1)!
            for _ in 0..<730 {
                for cutoff in cutoffs {
                    #expect(day.start(in: zone, cutoff: cutoff) == day.startByCalendar(in: zone.timeZone, cutoff: cutoff), "\(name) \(day) \(cutoff)")
                }
                let noon = day.start(in: zone).adding(microseconds: 12 * 3_600_000_000)
                #expect(LocalDate.at(noon, in: zone) == day, "\(name) \(day)")
                #expect(LocalDate.at(day.start(in: zone), in: zone) == day, "\(name) \(day)")
                day = day.adding(days: 1)
            }
        }
    }
}
