import Foundation
import Testing
@testable import Workforce

@Suite struct ZoneTests {
    /// Every zone Foundation knows answers as Foundation does, at instants spread over 1890–2210
    /// (before, across and after the 1970–2100 its table covers), a different spread for each zone.
    @Test func everyZoneAgreesWithFoundation() {
        for (index, identifier) in TimeZone.knownTimeZoneIdentifiers.enumerated() {
            guard let zone = Zones.named(identifier) else {
                Issue.record("\(identifier) is known to Foundation but not made")
                continue
            }
            for step in 0..<300 {
                // 1890-01-01 on, 33,683,371 s (about 390 days and 3 hours) apart.
                let seconds = -2_524_521_600 + Int64(step) * 33_683_371 + Int64(index) * 7_919
                let expected = Int64(zone.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
                #expect(zone.secondsFromGMT(atUTC: seconds) == expected, "\(identifier) at \(seconds)")
            }
        }
    }

    /// At each transition, the second before has the old offset and the transition the new one,
    /// in zones that move by an hour, by half an hour, at midnight, and changed their standard
    /// offset (Samoa skipped a day in 2011; Casablanca's daylight saving stops for Ramadan).
    @Test func offsetsChangeExactlyAtTransitions() throws {
        for identifier in ["America/New_York", "Australia/Lord_Howe", "America/Santiago", "Pacific/Apia", "Africa/Casablanca", "Europe/Moscow"] {
            let zone = try #require(Zones.named(identifier))
            var after = Date(timeIntervalSince1970: -1_000_000_000)
            var checked = 0
            while let next = zone.timeZone.nextDaylightSavingTimeTransition(after: after), next.timeIntervalSince1970 < 4_200_000_000 {
                let at = Int64(next.timeIntervalSince1970)
                #expect(zone.secondsFromGMT(atUTC: at) == Int64(zone.timeZone.secondsFromGMT(for: next)), "\(identifier) at \(next)")
                let before = next.addingTimeInterval(-1)
                #expect(zone.secondsFromGMT(atUTC: at - 1) == Int64(zone.timeZone.secondsFromGMT(for: before)), "\(identifier) before \(next)")
                after = next
                checked += 1
            }
            #expect(checked > 0, "\(identifier) has transitions")
        }
    }

    /// Densely, without asking Foundation where the transitions are: every 2 days 23 hours and
    /// 17 seconds from 1970 to 2100, in zones that changed their rules often.
    @Test func zonesWithManyRuleChangesAgreeWithFoundationDensely() throws {
        for identifier in ["America/Sao_Paulo", "Africa/Casablanca", "Asia/Tehran", "Europe/Moscow", "Pacific/Apia", "America/Santiago", "Australia/Lord_Howe"] {
            let zone = try #require(Zones.named(identifier))
            var mismatches = 0
            for seconds in stride(from: Int64(0), to: 4_102_444_800, by: 255_617) {
                let expected = Int64(zone.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
                if zone.secondsFromGMT(atUTC: seconds) != expected { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(identifier)")
        }
    }

    @Test func zonesAreMadeOnceAndUTCIsTheFallback() {
        #expect(Zones.named("Nowhere/Special") == nil)
        #expect(Zones.namedOrUTC("Nowhere/Special") == .utc)
        #expect(Zones.named("Europe/London") == Zones.named("Europe/London"))
        #expect(Zone.utc.secondsFromGMT(atUTC: 1_800_000_000) == 0)
    }
}
