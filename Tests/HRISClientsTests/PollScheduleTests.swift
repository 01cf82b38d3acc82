import HRISClients
import Testing

/// The schedule as a pure value on an instant the test chooses: nothing sleeps.
@Suite struct PollScheduleTests {
    let start = ContinuousClock.now

    func at(_ seconds: Int) -> ContinuousClock.Instant { start.advanced(by: .seconds(seconds)) }

    @Test func pollsEveryIntervalWhileTheHRISAnswers() {
        var schedule = PollSchedule(firstPoll: at(0))
        #expect(schedule.interval == .seconds(900))
        #expect(schedule.isDue(at: at(0)))
        schedule.succeeded(at: at(3))
        #expect(schedule.nextPoll == at(903))
        #expect(!schedule.isDue(at: at(902)) && schedule.isDue(at: at(903)))
        #expect(schedule.wait(from: at(3)) == .seconds(900) && schedule.wait(from: at(1000)) == .zero)
    }

    @Test func failuresBackOffExponentiallyUpToTheCapAndASuccessForgetsThem() {
        var schedule = PollSchedule(
            interval: .seconds(900), initialBackoff: .seconds(30), maximumBackoff: .seconds(600), firstPoll: at(0))
        var waits: [Duration] = []
        for _ in 0..<7 { waits.append(schedule.failed(at: at(0))) }
        #expect(waits == [30, 60, 120, 240, 480, 600, 600].map { Duration.seconds($0) })
        #expect(schedule.failures == 7 && schedule.nextPoll == at(600))
        schedule.succeeded(at: at(600))
        #expect(schedule.failures == 0 && schedule.nextPoll == at(1500))
        #expect(schedule.failed(at: at(1500)) == .seconds(30))
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        var schedule = PollSchedule(initialBackoff: .seconds(30), maximumBackoff: .seconds(3600), firstPoll: at(0))
        #expect(schedule.failed(at: at(0), retryAfter: .seconds(120)) == .seconds(120))
        #expect(schedule.failed(at: at(120), retryAfter: .seconds(5)) == .seconds(60))
        #expect(schedule.failed(at: at(180), retryAfter: .seconds(86_400)) == .seconds(3600))
        #expect(schedule.nextPoll == at(3780))
    }

    @Test func manyFailuresDoNotOverflow() {
        let schedule = PollSchedule(firstPoll: at(0))
        #expect(schedule.backoff(after: 10_000) == .seconds(3600))
        #expect(schedule.backoff(after: 0) == .zero)
    }
}
