/// When to poll an HRIS next: every ``interval`` while it answers, and after failures an
/// exponential backoff (``initialBackoff``, doubled each time, at most ``maximumBackoff``) that
/// also honours the HRIS's `Retry-After` up to the same cap.
///
/// A pure value: the daemon tells it what happened and when, on whatever clock it injects, and
/// sleeps until ``nextPoll`` itself, so tests drive it without waiting.
public struct PollSchedule<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    /// Time between successful polls.
    public var interval: Duration
    /// The wait after the first failure.
    public var initialBackoff: Duration
    /// The longest wait between attempts, whatever the failures or `Retry-After`.
    public var maximumBackoff: Duration
    /// Failures since the last success.
    public private(set) var failures = 0
    /// When the next poll is due.
    public private(set) var nextPoll: Instant

    /// A schedule whose first poll is due at `firstPoll` (usually now).
    public init(
        interval: Duration = .seconds(15 * 60), initialBackoff: Duration = .seconds(30),
        maximumBackoff: Duration = .seconds(60 * 60),
        firstPoll: Instant
    ) {
        self.interval = interval
        self.initialBackoff = initialBackoff
        self.maximumBackoff = max(maximumBackoff, initialBackoff)
        nextPoll = firstPoll
    }

    /// True when a poll is due at `now`.
    public func isDue(at now: Instant) -> Bool {
        now >= nextPoll
    }

    /// How long to wait from `now` until the next poll; zero when it is due.
    public func wait(from now: Instant) -> Duration {
        max(.zero, now.duration(to: nextPoll))
    }

    /// A poll that finished at `now` succeeded: the backoff is forgotten.
    public mutating func succeeded(at now: Instant) {
        failures = 0
        nextPoll = now.advanced(by: interval)
    }

    /// A poll that finished at `now` failed, the HRIS asking to wait `retryAfter` if it said so.
    /// Returns the wait until the next attempt.
    @discardableResult
    public mutating func failed(at now: Instant, retryAfter: Duration? = nil) -> Duration {
        failures += 1
        let wait = max(backoff(after: failures), min(retryAfter ?? .zero, maximumBackoff))
        nextPoll = now.advanced(by: wait)
        return wait
    }

    /// The wait after `failures` failures in a row: `initialBackoff × 2^(failures−1)`, capped.
    public func backoff(after failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var wait = initialBackoff
        for _ in 1..<min(failures, 40) where wait < maximumBackoff {
            wait *= 2
        }
        return min(wait, maximumBackoff)
    }
}
