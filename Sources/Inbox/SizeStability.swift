/// The `.sizeStable` rule as a pure value: fed what each scan saw and when, it answers which
/// files have stopped changing for long enough. No clock and no file system, so tests drive it
/// with plain numbers.
struct SizeStability: Sendable {
    /// What one scan saw of one file.
    struct Observation: Sendable, Equatable {
        var size: Int64
        var modifiedNanoseconds: Int64
        var inode: UInt64
    }

    /// How long a file must stay unchanged.
    let period: Duration
    /// Per file name: what was last seen and since when it has looked that way.
    private var unchanged: [String: (observation: Observation, since: Duration)] = [:]

    /// Creates a tracker for files that must stay unchanged for `period`.
    init(period: Duration) {
        self.period = period
    }

    /// Records what a scan at `now` saw and returns the names that look complete: seen before,
    /// unchanged since, for at least `period`. A file seen for the first time is never complete,
    /// even with a zero period: "unchanged" needs two looks. Names absent from `files` are
    /// forgotten, so a file that comes back starts over.
    mutating func observe(_ files: [String: Observation], at now: Duration) -> Set<String> {
        var ready: Set<String> = []
        var next: [String: (observation: Observation, since: Duration)] = [:]
        for (name, observation) in files {
            if let previous = unchanged[name], previous.observation == observation {
                next[name] = previous
                if now - previous.since >= period { ready.insert(name) }
            } else {
                next[name] = (observation, now)
            }
        }
        unchanged = next
        return ready
    }

    /// Forgets `name`, once it has been claimed.
    mutating func forget(_ name: String) {
        unchanged[name] = nil
    }
}
