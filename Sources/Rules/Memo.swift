import Synchronization
import Workforce

/// Answers already worked out, by the value asked about: HR values (titles, department names,
/// codes) repeat across a whole workforce, and a replay asks about the same few hundred millions
/// of times (kept in a `StringMap`, which hashes them quickly). Bounded: past `limit` entries it
/// starts again. Shared by copies of its owner.
final class Memo<Answer: Sendable>: Sendable {
    private let known = Mutex(StringMap<Answer>())
    private let limit: Int

    init(limit: Int = 100_000) {
        self.limit = limit
    }

    /// The answer for `value`, worked out by `work` the first time.
    func answer(for value: String, _ work: () -> Answer) -> Answer {
        if let answer = known(value) { return answer }
        let answer = work()
        remember(answer, for: value)
        return answer
    }

    /// The answer for `value`, if it was worked out: for a caller whose work would capture (and
    /// so copy) its owner in a closure.
    func known(_ value: String) -> Answer? {
        known.withLock { $0[value] }
    }

    /// Keeps `answer` for `value`.
    func remember(_ answer: Answer, for value: String) {
        known.withLock { known in
            if known.count >= limit { known.removeAll(keepingCapacity: true) }
            known.insert(answer, for: value)
        }
    }
}
