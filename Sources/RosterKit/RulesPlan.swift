import Configuration
import Foundation
import Ingestion
import Journal
import Projections
import Rules
import Workforce

/// What adopting a candidate rule set would change: the whole journal replayed under it,
/// against the live state, with the safety thresholds it crosses.
public struct RulesPlan: Sendable {
    public var live: RuleSet
    public var candidate: RuleSet
    public var difference: StateDifference
    /// Active users now: the population thresholds' percentages are of.
    public var population: Int
    /// Thresholds crossed, in words; `--apply` then needs the admin's confirmation.
    public var crossed: [String]
    /// What the candidate names that no worker has (a custom attribute, a value, a location):
    /// meant, or a typo that never matches (``RuleSet/namedButHeldByNoOne(in:)``).
    public var heldByNoOne: [String]
}

extension RosterApp {
    /// Replays the journal under `candidate` (or takes `folded`, the whole journal folded under
    /// it) and compares it with the live state now.
    @available(*, noasync, message: "reads the journal synchronously")
    public func plan(candidate: RuleSet, folded: DesiredState? = nil) throws -> RulesPlan {
        let instant = now()
        // The live state now, read and brought up to date in memory: the live store need not be
        // written for a comparison (after an adoption it serves no more), and writing it first
        // made its adoption snapshot a snapshot of its own (a compression of every worker).
        let rules = try rulesInForce()
        var live = try store(for: rules.rules).foldedState(journal)
        live.advance(to: instant)
        let scratch: DesiredState
        if var folded {
            folded.advance(to: instant)
            scratch = folded
        } else {
            scratch = try Replay(now: instant).run(journal, rules: candidate)
        }
        let difference = StateDifference(from: live, to: scratch)
        let population = live.userIDs.count { live[user: $0]?.status == .active }
        let safety = configuration.safety
        var crossed: [String] = []
        let changed = Set(difference.groupsAdded.map(\.id) + difference.groupsRemoved.map(\.id) + difference.assignmentsAdded.map(\.id)
            + difference.assignmentsRemoved.map(\.id) + difference.dueDatesChanged.map(\.id) + difference.profilesChanged)
        for (name, count, limit) in [
            ("users created", difference.usersAdded.count, safety.creates), ("users changed", changed.count, safety.changes),
            // A user already deactivated or archived losing their desired user cuts no one's access.
            ("deactivations", difference.deactivations + difference.usersRemoved.count { live[user: $0]?.status == .active }, safety.terminations),
            ("archives", difference.archives, safety.absences),
        ] where limit.isCrossed(by: count, population: population) {
            crossed.append("\(name): \(count) exceeds \(limit.describe()) (population \(population))")
        }
        return RulesPlan(
            live: rules.rules, candidate: candidate, difference: difference, population: population, crossed: crossed,
            heldByNoOne: candidate.namedButHeldByNoOne { scratch.valuesHeld(of: $0) })
    }

    /// Candidate rules refused: their plan crosses a safety threshold, and the adoption was not
    /// confirmed. The candidate's store is built and kept, so a confirmed adoption is quick.
    public struct AdoptionRefused: Error, CustomStringConvertible, Sendable {
        public let plan: RulesPlan
        public var description: String { "the candidate rules cross safety thresholds (\(plan.crossed.joined(separator: "; ")))" }
    }

    /// Builds `candidate`'s projection store and catches it up with the journal (blue/green): the
    /// one fold of the whole journal under the candidate, which its plan compares and its
    /// adoption switches to. It writes the candidate's store only, so it may run while the live
    /// store serves and the journal grows (the daemon runs it beside its engine); what is journaled
    /// meanwhile is folded by the plan or adoption that follows, in a moment.
    @available(*, noasync, message: "reads the journal and writes the store synchronously")
    public func buildStore(for candidate: RuleSet) throws -> DesiredState {
        try store(for: candidate).catchUp(journal)
    }

    /// The plan of `candidate` from its store, built first when it is not (``buildStore(for:)``).
    @available(*, noasync, message: "reads the journal synchronously")
    public func planFromStore(candidate: RuleSet) throws -> RulesPlan {
        try plan(candidate: candidate, folded: try buildStore(for: candidate))
    }

    /// Adopts `candidate`, read from `source`, after checking its plan: refused
    /// (``AdoptionRefused``) when it crosses a threshold and `confirmed` is false.
    @available(*, noasync, message: "appends to the journal synchronously")
    public func adopt(_ candidate: RuleSet, source: String, by person: String, confirmed: Bool) throws -> (RulesPlan, AdoptedRules) {
        // Blue/green: the candidate's store is built and caught up while the live one serves. It
        // keeps snapshots from the rules' first adoption on (the journal's head, for rules never
        // adopted): they answer as-of queries only from then.
        let plan = try planFromStore(candidate: candidate)
        if !plan.crossed.isEmpty, !confirmed { throw AdoptionRefused(plan: plan) }
        let adopted = try RuleBook.adopt(candidate, source: source, by: person, in: journal)
        // Every adopted rule set's store stays: it answers as-of queries for its time in force.
        // Stores of candidates never adopted go; one that cannot be removed now (a file in use)
        // is removed at the next adoption: the adoption is journaled, and that is what counts.
        try? removeStores(except: try RuleBook.adoptions(in: journal).map(\.rules.version))
        return (plan, adopted)
    }

    /// Removes projection stores of rule sets other than `versions` (candidates never adopted).
    func removeStores(except versions: [String]) throws {
        stores.forget(except: Set(versions))
        let keep = Set(versions.map { String($0.prefix(16)) })
        let names = (try? FileManager.default.contentsOfDirectory(atPath: projectionsPath)) ?? []
        for name in names where !keep.contains(name) && name.count == 16 && name.allSatisfy(\.isHexDigit) {
            try FileManager.default.removeItem(atPath: projectionsPath + "/" + name)
        }
    }
}
