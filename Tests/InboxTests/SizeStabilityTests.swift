import Testing

@testable import Inbox

/// The `.sizeStable` rule as a pure value: observations in, complete names out.
struct SizeStabilityTests {
    private let small = SizeStability.Observation(size: 10, modifiedNanoseconds: 1, inode: 7)
    private let grown = SizeStability.Observation(size: 20, modifiedNanoseconds: 2, inode: 7)

    @Test func aFileIsCompleteOnceUnchangedForThePeriod() {
        var stability = SizeStability(period: .seconds(4))
        #expect(stability.observe(["a": small], at: .seconds(0)).isEmpty)
        #expect(stability.observe(["a": small], at: .seconds(3)).isEmpty)
        #expect(stability.observe(["a": small], at: .seconds(4)) == ["a"])
    }

    @Test func aChangeStartsTheWaitOver() {
        var stability = SizeStability(period: .seconds(4))
        _ = stability.observe(["a": small], at: .seconds(0))
        #expect(stability.observe(["a": grown], at: .seconds(5)).isEmpty)
        #expect(stability.observe(["a": grown], at: .seconds(8)).isEmpty)
        #expect(stability.observe(["a": grown], at: .seconds(9)) == ["a"])
    }

    @Test func aFileThatVanishesIsForgotten() {
        var stability = SizeStability(period: .seconds(1))
        _ = stability.observe(["a": small], at: .seconds(0))
        _ = stability.observe([:], at: .seconds(1))
        #expect(stability.observe(["a": small], at: .seconds(2)).isEmpty, "back again: seen once")
        #expect(stability.observe(["a": small], at: .seconds(3)) == ["a"])
    }

    @Test func aZeroPeriodStillNeedsTwoLooks() {
        var stability = SizeStability(period: .zero)
        #expect(stability.observe(["a": small], at: .seconds(0)).isEmpty)
        #expect(stability.observe(["a": small], at: .seconds(0)) == ["a"])
    }
}

/// The timestamp in front of claimed, archived and rejected names.
struct StampedNameTests {
    @Test func stampsInUTCAndStripsTheStampAgain() {
        let name = StampedName.make("workers.csv", microseconds: 1_700_000_000_123_456)
        #expect(name == "20231114T221320.123456Z-workers.csv")
        #expect(StampedName.original(of: name) == "workers.csv")
        #expect(StampedName.original(of: "workers.csv") == "workers.csv", "no stamp: kept as it is")
        #expect(StampedName.original(of: "2023111xT221320.123456Z-a.csv") == "2023111xT221320.123456Z-a.csv")
    }
}
