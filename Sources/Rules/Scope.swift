import Workforce

/// Who gets an LMS user at all (licences cost money): a worker is in scope when every
/// `include` condition holds and no `exclude` condition does. An empty scope takes everyone.
public struct Scope: Sendable, Equatable {
    public var include: [WorkerCondition]
    public var exclude: [WorkerCondition]

    public init(include: [WorkerCondition] = [], exclude: [WorkerCondition] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// Nil when `worker` is in scope; otherwise the condition that keeps them out, in words.
    public func exclusion(of worker: Worker) -> String? {
        if let failed = include.first(where: { !$0.holds(for: worker) }) {
            return "scope.include: \(failed) does not hold (\(failed.attribute) is \(failed.attribute.value(in: worker) ?? "empty"))"
        }
        if let matched = exclude.first(where: { $0.holds(for: worker) }) {
            return "scope.exclude: \(matched)"
        }
        return nil
    }

    /// True when `worker` is in scope.
    public func admits(_ worker: Worker) -> Bool {
        include.allSatisfy { $0.holds(for: worker) } && !exclude.contains { $0.holds(for: worker) }
    }
}
