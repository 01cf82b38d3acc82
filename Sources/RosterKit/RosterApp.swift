import Configuration
import Foundation
import Synchronization
import Ingestion
import Journal
import Projections
import Rules
import Workforce

/// The composition root: the journal and configuration, and every workflow the `roster`
/// commands (and, later, the daemon) run on them.
public struct RosterApp: Sendable {
    public let configuration: RosterConfiguration
    public let journal: Journal
    /// The instant the app takes as now.
    public var now: @Sendable () -> Timestamp = { .now() }
    /// The projection stores opened so far, by rule-set version.
    let stores = StoreRegistry()

    /// Opens the configured journal, creating it on first use.
    public init(configuration: RosterConfiguration) throws {
        self.configuration = configuration
        self.journal = try Journal(path: configuration.journalPath, createIfMissing: true)
    }

    /// Opens the configured journal for reading and writing, or only for reading when another
    /// process (the daemon) is its writer: commands that only look keep working beside
    /// `roster serve`, and those that would write say who holds the journal.
    public init(readingBeside configuration: RosterConfiguration) throws {
        self.configuration = configuration
        do {
            self.journal = try Journal(path: configuration.journalPath, createIfMissing: true)
        } catch let error as JournalError where error.code == .locked {
            self.journal = try Journal(Journal.Configuration(path: configuration.journalPath, access: .readOnly))
        }
    }

    /// Why an app workflow could not run, and what to do.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        /// What the workflow was asked about does not exist (rather than being in the wrong state).
        public let notFound: Bool
        public init(_ message: String, notFound: Bool = false) {
            self.message = message
            self.notFound = notFound
        }
        public var description: String { message }
    }

    /// The rules in force, and a notice when roster.yml says otherwise.
    public struct RulesInForce: Sendable {
        public var adopted: AdoptedRules
        /// Set when roster.yml's rules are not the ones in force.
        public var notice: String?
        /// The position of the adoption that ended these rules' time in force; nil while they
        /// are the rules in force now.
        public var supersededAt: JournalPosition?
        /// True when these are the rules in force now (the live projection store's).
        public var isCurrent: Bool { supersededAt == nil }
        public var rules: RuleSet { adopted.rules }
    }

    /// The rule set in force at `instant` (now when nil). The first use adopts roster.yml's
    /// rules; before the first adoption, the first rule set counts (rules apply to all history).
    @available(*, noasync, message: "the first use adopts rules, appending to the journal synchronously")
    public func rulesInForce(at instant: Timestamp? = nil) throws -> RulesInForce {
        var adoptions = try RuleBook.adoptions(in: journal)
        if adoptions.isEmpty {
            guard let rules = try configuration.configuredRules() else {
                throw Failure(
                    "no rules are in force and \(configuration.path) has none; add `rules:` (a rules file or inline rules, see docs/rules.md)")
            }
            adoptions = [
                try RuleBook.adopt(rules, source: configuration.rulesPath ?? configuration.path, by: "roster.yml (first use)", in: journal)
            ]
        }
        let adopted = adoptions.last { instant == nil || $0.recordedAt <= instant! } ?? adoptions[0]
        var notice: String?
        if instant == nil, let configured = configuration.rules, configured.version != adopted.rules.version {
            let file = configuration.rulesPath ?? configuration.path
            notice = "\(file) holds rules \(configured.shortVersion), but rules \(adopted.rules.shortVersion) are in force "
                + "(adopted \(adopted.recordedAt) by \(adopted.adoption.adoptedBy)); "
                + "preview with `roster rebuild --rules \(file) --plan`, adopt with `--apply`"
        }
        return RulesInForce(adopted: adopted, notice: notice, supersededAt: adoptions.first { $0.position > adopted.position }?.position)
    }

    /// A warning when roster.yml's rules cannot be read but rules are in force: those still apply,
    /// and the file is only a candidate (nil otherwise, and when nothing is adopted yet: then the
    /// first use fails on the file's mistake instead).
    public func rulesFileWarning() throws -> String? {
        guard let problem = configuration.rulesProblem, let adopted = try RuleBook.inForce(in: journal) else { return nil }
        let file = configuration.rulesPath ?? configuration.path
        return "\(problem); the rules in force (\(adopted.rules.shortVersion), adopted \(adopted.recordedAt) by \(adopted.adoption.adoptedBy)) "
            + "still apply; mend \(file), then preview it with `roster rebuild --rules \(file) --plan`"
    }

    /// Where the projection stores live, one per rule-set version.
    public var projectionsPath: String { configuration.dataDirectory + "/projections" }

    /// The projection store for `rules`, opened once per app: LMDB wants an environment open once
    /// per process, and a store remembers the state it last saved, so a daemon's next catch-up
    /// starts from it.
    ///
    /// It answers as-of queries from where `rules` were first adopted (from the start for the
    /// first rules, which count for the history before them too; from the journal's head for
    /// rules not adopted yet, a candidate), so it keeps snapshots from there on only.
    public func store(for rules: RuleSet) throws -> ProjectionStore {
        try stores.store(for: rules, root: projectionsPath) {
            let adoptions = try RuleBook.adoptions(in: journal)
            guard let first = adoptions.first(where: { $0.rules.version == rules.version }) else { return journal.head }
            return first.position == adoptions.first?.position ? .start : first.position
        }
    }

    /// The store of rules no longer in force, caught up through the adoption that ended their
    /// time (built again the first time after its folder was removed or a release changed the
    /// store's format): it answers as-of queries before that adoption from its own snapshots,
    /// as the live store does after it.
    @available(*, noasync, message: "reads and writes synchronously")
    func store(ofSuperseded rules: RulesInForce) throws -> ProjectionStore {
        let store = try store(for: rules.rules)
        if let end = rules.supersededAt, try store.checkpoint < end { _ = try store.catchUp(journal, through: end) }
        return store
    }

    /// The LMS desired state as `replay` asks, under the rules in force at its instant.
    ///
    /// Now: the live store, caught up with the journal. As of an instant: the latest snapshot
    /// before it, and the events after, from the store of the rules in force then (the live one,
    /// or the one of rules adopted before, caught up through the end of their time). Otherwise
    /// (an effective date, a trace) the whole journal is replayed.
    @available(*, noasync, message: "reads the journal synchronously")
    public func desiredState(_ replay: Replay) throws -> (state: DesiredState, rules: RulesInForce) {
        let rules = try rulesInForce(at: replay.asOf)
        guard replay.effectiveAt == nil, replay.tracing == nil else {
            return (try replay.run(journal, rules: rules.rules), rules)
        }
        if let asOf = replay.asOf, !rules.isCurrent {
            var state = try store(ofSuperseded: rules).state(asOf: asOf, journal: journal, live: nil)
            state.advance(to: asOf)
            return (state, rules)
        }
        let store = try store(for: rules.rules)
        var state = try store.catchUp(journal)
        if let asOf = replay.asOf {
            state = try store.state(asOf: asOf, journal: journal, live: state)
        }
        if let until = replay.asOf ?? replay.now { state.advance(to: until) }
        return (state, rules)
    }

    /// One worker's projection as of `instant` (now when nil): from their own events and the
    /// index of applied snapshots of the store of the rules in force then, in well under a
    /// millisecond.
    @available(*, noasync, message: "reads the journal synchronously")
    public func worker(_ id: EmployeeID, asOf instant: Timestamp?) throws -> (projection: WorkerProjection?, rules: RulesInForce) {
        let (projection, _, rules) = try tracedWorker(id, asOf: instant)
        return (projection, rules)
    }

    /// ``worker(_:asOf:)`` with every change of the worker's LMS user and the journal event
    /// that caused it: what `roster history` and `roster why` show.
    @available(*, noasync, message: "reads the journal synchronously")
    public func tracedWorker(
        _ id: EmployeeID, asOf instant: Timestamp?
    ) throws -> (projection: WorkerProjection?, trail: [DesiredState.TraceEntry], rules: RulesInForce) {
        let rules = try rulesInForce(at: instant)
        if let instant, !rules.isCurrent {
            let (projection, trail) = try store(ofSuperseded: rules).tracedWorker(id, asOf: instant, journal: journal)
            return (projection, trail, rules)
        }
        let store = try store(for: rules.rules)
        _ = try store.catchUp(journal)
        let (projection, trail) = try store.tracedWorker(id, asOf: instant ?? now(), journal: journal)
        return (projection, trail, rules)
    }

    /// Fires what is due at `instant`: each first day reached, termination taking effect and grace
    /// period ended becomes a `schedule.fired.v1` event. Returns what fired.
    @available(*, noasync, message: "appends to the journal synchronously")
    public func tick(at instant: Timestamp) throws -> [(id: EmployeeID, effect: ScheduledEffect)] {
        try store(for: try rulesInForce().rules).tick(journal, at: instant, origin: "roster tick")
    }

    /// Restores the archived LMS user of `id`, with its history, groups and assignments.
    @available(*, noasync, message: "appends to the journal synchronously")
    public func restore(_ id: EmployeeID, by person: String, reason: String?) throws -> LMSUser {
        let (projection, _) = try worker(id, asOf: nil)
        guard let user = projection?.user else {
            throw Failure(
                projection != nil ? "\(id) has no LMS user to restore (never provisioned)" : "there is no worker \(id); `roster workers` lists them",
                notFound: projection == nil)
        }
        guard user.status == .archived else {
            throw Failure("\(id)'s LMS user is \(user.status.rawValue), not archived; only archived users are restored")
        }
        let event = AdminEvent.restored(by: person, reason: reason)
        try journal.append([
            ProposedEvent(subject: id.rawValue, type: event.type, payload: try event.payload(), metadata: EventMetadata(source: "admin", origin: person))
        ])
        return try worker(id, asOf: nil).projection?.user ?? user
    }
}

/// The projection stores an app has opened, by rule-set version.
final class StoreRegistry: Sendable {
    private let opened = Mutex<[String: ProjectionStore]>([:])

    /// The store for `rules`, opened with snapshots from `snapshotsFrom()` the first time.
    func store(for rules: RuleSet, root: String, snapshotsFrom: () throws -> JournalPosition) throws -> ProjectionStore {
        try opened.withLock { opened in
            if let store = opened[rules.version] { return store }
            let store = try ProjectionStore(root: root, rules: rules, snapshotsFrom: try snapshotsFrom())
            opened[rules.version] = store
            return store
        }
    }

    /// Closes the stores of every rule set but `versions` (their folders are about to go).
    func forget(except versions: Set<String>) {
        opened.withLock { opened in opened = opened.filter { versions.contains($0.key) } }
    }
}
