import Journal
import Workforce

/// When a failed command is tried again: exponential backoff with jitter, the LMS's
/// `Retry-After` honoured, and a dead letter after the last attempt.
public struct DeliveryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var backoffSeconds: Double
    public var maxBackoffSeconds: Double

    public init(maxAttempts: Int = 8, backoffSeconds: Double = 2, maxBackoffSeconds: Double = 600) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoffSeconds = backoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
    }

    /// The failure to journal for attempt `attempt` of `command`, which failed at `now` with `error`.
    public func failure(of command: String, attempt: Int, error: DeliveryError, at now: Timestamp) -> DeliveryFailure {
        let dead = error.permanent || attempt >= maxAttempts
        var retryAt: Timestamp?
        if !dead {
            let wait = max(error.retryAfterSeconds ?? 0, delay(afterAttempt: attempt, of: command))
            retryAt = now.adding(microseconds: Int64(wait * 1_000_000))
        }
        return DeliveryFailure(attempt: attempt, status: error.status, error: error.message, retryAt: retryAt, dead: dead)
    }

    /// The backoff after the `attempt`th failure: doubling from ``backoffSeconds`` up to
    /// ``maxBackoffSeconds``, scaled by a jitter between 0.5 and 1 drawn from the command and the
    /// attempt (the same every time, so a replay or a test sees the same schedule, while many
    /// commands failing together spread out).
    public func delay(afterAttempt attempt: Int, of command: String) -> Double {
        let exponential = min(maxBackoffSeconds, backoffSeconds * Double(1 << min(max(0, attempt - 1), 30)))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in command.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ UInt64(attempt)) &* 0x100_0000_01b3
        let jitter = 0.5 + Double(hash >> 11) / Double(1 << 53) / 2
        return exponential * jitter
    }
}
