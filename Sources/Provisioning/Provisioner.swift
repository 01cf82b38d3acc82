import Foundation
import Journal
import Projections
import Workforce

/// Delivers the outbox to an LMS and journals every answer: the difference between the desired
/// state and what the LMS acknowledged becomes calls, and each call's outcome becomes the
/// LMS-believed state.
///
/// A round journals what time made due (as `roster tick` does), takes every command that is due
/// from the caught-up store, delivers them, and
/// journals the answers in one append; the answers change the projections, which take the
/// answered commands out of the outbox in the same transaction as they are folded. Nothing is
/// kept in memory between rounds, so a crash at any point loses nothing: an unanswered command
/// is still in the outbox after a restart and goes again (connectors make that harmless).
public struct Provisioner: Sendable {
    public let journal: Journal
    /// The projection store whose outbox is delivered: the store of the rules in force, asked
    /// for at every step, so rules adopted while a sync runs (over the daemon's admin API) are
    /// delivered from their store from the next step on.
    public var store: ProjectionStore {
        get throws { try storeInForce() }
    }
    private let storeInForce: @Sendable () throws -> ProjectionStore
    public let connector: any LMSConnector
    public let policy: DeliveryPolicy
    /// The instant taken as now (injected in tests).
    public var now: @Sendable () -> Timestamp
    /// Where a sync's journal and store steps run (everything but the calls to the LMS): at once
    /// by default; the daemon runs them on its engine's queue, in turn with its other writes.
    public var steps: any StepQueue = ImmediateSteps()

    public init(journal: Journal, store: ProjectionStore, connector: any LMSConnector, policy: DeliveryPolicy, now: @escaping @Sendable () -> Timestamp = { .now() }) {
        self.init(journal: journal, storeInForce: { store }, connector: connector, policy: policy, now: now)
    }

    /// A provisioner whose store is `storeInForce()` at each step (see ``store``).
    public init(
        journal: Journal, storeInForce: @escaping @Sendable () throws -> ProjectionStore, connector: any LMSConnector, policy: DeliveryPolicy,
        now: @escaping @Sendable () -> Timestamp = { .now() }
    ) {
        self.journal = journal
        self.storeInForce = storeInForce
        self.connector = connector
        self.policy = policy
        self.now = now
    }

    /// One command's delivery and what the LMS answered.
    public struct Delivery: Sendable {
        public var command: LMSCommand
        public var outcome: DeliveryOutcome
        /// The journaled failure, when it failed.
        public var failure: DeliveryFailure?
    }

    /// What a sync did.
    public struct Summary: Sendable {
        public var deliveries: [Delivery] = []
        public var rounds = 0
        /// Commands still waiting for a later attempt, and dead letters, after the sync.
        public var waiting = 0
        public var dead = 0

        public var acknowledged: Int { deliveries.count { if case .acknowledged = $0.outcome { true } else { false } } }
        public var failed: Int { deliveries.count { if case .failed = $0.outcome { true } else { false } } }
        public var skipped: Int { deliveries.count { $0.outcome == .skipped } }
    }

    /// Every command in the outbox now, due or not, sending nothing. What time made due is
    /// counted in, but not journaled: a plan changes nothing.
    @available(*, noasync, message: "reads and writes the projection store synchronously")
    public func outbox() throws -> [LMSCommand] {
        let store = try store
        var state = try store.catchUp(journal)
        guard state.advance(to: now()).isEmpty else { return state.outbox }
        return try store.outbox()
    }

    /// Delivers what is due, round after round, until nothing more is due now (at most
    /// `maxRounds`: a command that keeps failing waits for its backoff, not for this loop).
    public func sync(maxRounds: Int = 10) async throws -> Summary {
        var summary = Summary()
        for _ in 0..<maxRounds {
            let instant = now()
            let due = try await steps.run { [self] in try dueCommands(at: instant) }
            guard !due.isEmpty else { break }
            summary.rounds += 1
            try await steps.run { [self] in try announce(due) }
            let outcomes = await connector.deliver(due)
            guard outcomes.count == due.count else {
                throw DeliveryError(status: 0, message: "the \(connector.target) connector answered \(outcomes.count) of \(due.count) commands")
            }
            let answered = now()
            let delivered = try await steps.run { [self] in try record(due, outcomes, at: answered) }
            summary.deliveries += delivered
            if !delivered.contains(where: { if case .acknowledged = $0.outcome { true } else { false } }) { break }
        }
        let left = try await steps.run { [self] in try outboxAfterSync() }
        summary.waiting = left.count { !$0.isDead }
        summary.dead = left.count { $0.isDead }
        return summary
    }

    /// The commands due at `instant`, once what time made due (a first day, a termination
    /// taking effect, a grace period's end) is journaled.
    func dueCommands(at instant: Timestamp) throws -> [LMSCommand] {
        let store = try store
        if try !store.tick(journal, at: instant, origin: "roster sync").isEmpty { _ = try store.catchUp(journal) }
        return try store.outbox().filter { $0.isDue(at: instant) }
    }

    func outboxAfterSync() throws -> [LMSCommand] {
        let store = try store
        _ = try store.catchUp(journal)
        return try store.outbox()
    }

    /// Journals the commands about to be sent: nothing goes to the LMS that the journal does not
    /// show first.
    func announce(_ commands: [LMSCommand]) throws {
        let round = DeliveryRound(target: connector.target, commands: commands.map(\.id))
        try journal.append([
            ProposedEvent(
                subject: DeliveryRound.subject(of: connector.target), type: DeliveryRound.type, payload: try round.payload(),
                metadata: EventMetadata(source: "lms:\(connector.target)", origin: "roster sync"))
        ])
    }

    /// Journals the answers to `commands`, in one append.
    func record(_ commands: [LMSCommand], _ outcomes: [DeliveryOutcome], at instant: Timestamp) throws -> [Delivery] {
        var deliveries: [Delivery] = []
        var events: [ProposedEvent] = []
        let run = "sync-\(instant.rawValue)"
        for (command, outcome) in zip(commands, outcomes) {
            var failure: DeliveryFailure?
            var origin = "roster sync"
            let kind: LMSEvent.Kind
            switch outcome {
            case .skipped:
                deliveries.append(Delivery(command: command, outcome: outcome))
                continue
            case .acknowledged(let lmsID, let adopted, let call):
                kind = Self.answer(to: command, lmsID: lmsID, adopted: adopted)
                origin = call
            case .failed(let error):
                failure = policy.failure(of: command.id, attempt: (command.lastFailure?.attempt ?? 0) + 1, error: error, at: instant)
                kind = .deliveryFailed(failure!)
            }
            let event = LMSEvent(target: connector.target, command: command.id, cause: command.cause, kind: kind)
            events.append(
                ProposedEvent(
                    subject: command.employeeID.rawValue, type: event.type, payload: try event.payload(),
                    metadata: EventMetadata(
                        source: "lms:\(connector.target)", origin: origin, causationID: String(command.cause.rawValue), correlationID: run)))
            deliveries.append(Delivery(command: command, outcome: outcome, failure: failure))
        }
        if !events.isEmpty { try journal.append(events) }
        return deliveries
    }

    /// The answer journaled when the LMS did `command`.
    static func answer(to command: LMSCommand, lmsID: String?, adopted: Bool) -> LMSEvent.Kind {
        switch command.action {
        case .create: .userCreated(lmsID: lmsID ?? command.lmsID, profile: command.profile, adopted: adopted)
        case .update: .userUpdated(profile: command.profile)
        case .deactivate: .userDeactivated
        case .reactivate: .userReactivated
        case .add(let membership): .membershipAdded(membership)
        case .remove(let membership): .membershipRemoved(membership)
        }
    }

    /// Asks for dead letters to be delivered again (all of them when `ids` is empty): journals
    /// `lms.retry-requested.v1` for each, which puts it back in the outbox with no attempts.
    @available(*, noasync, message: "appends to the journal synchronously")
    public func retry(_ ids: [String], by person: String) throws -> [LMSCommand] {
        let dead = try outbox().filter(\.isDead)
        let chosen = ids.isEmpty ? dead : dead.filter { ids.contains($0.id) }
        let unknown = ids.filter { id in !dead.contains { $0.id == id } }
        guard unknown.isEmpty else {
            throw DeliveryError(
                status: 0, message: "no dead letter is named \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); `roster outbox` lists them")
        }
        guard !chosen.isEmpty else { return [] }
        let events = try chosen.map { command in
            let event = LMSEvent(target: connector.target, command: command.id, cause: command.cause, kind: .retryRequested(by: person))
            return ProposedEvent(
                subject: command.employeeID.rawValue, type: event.type, payload: try event.payload(),
                metadata: EventMetadata(source: "admin", origin: person, causationID: String(command.cause.rawValue)))
        }
        try journal.append(events)
        return chosen
    }
}

/// Where a ``Provisioner``'s synchronous steps (journal appends, projection-store catch-ups)
/// run. A process that writes from several tasks runs them all on one serial queue, so LMDB write
/// transactions never race each other or block the concurrency pool.
public protocol StepQueue: Sendable {
    func run<T: Sendable>(_ step: @escaping @Sendable () throws -> T) async throws -> T
}

/// Steps run at once, on the caller's thread: a command-line sync, the only writer of its process.
public struct ImmediateSteps: StepQueue {
    public init() {}

    public func run<T: Sendable>(_ step: @escaping @Sendable () throws -> T) async throws -> T {
        try step()
    }
}
