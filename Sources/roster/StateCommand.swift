import ArgumentParser
import Foundation
import Journal
import Projections
import RosterKit
import Rules
import Workforce

/// `roster state`.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show what the LMS should hold: users, groups and course assignments, each with the rule that caused it.",
        discussion: """
            --as-of is recorded time: what Roster believed then, from only the events recorded by that instant. \
            --effective-at is valid time: what was true in HR at the end of that date in each worker's time zone, \
            as known now (or as of --as-of). Instants are RFC 3339 (2026-11-29T09:00:00Z) or a date (UTC midnight).
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: ArgumentHelp("What Roster believed at this instant.", valueName: "INSTANT"))
    var asOf: String?

    @Option(help: ArgumentHelp("What was true in HR on this date (yyyy-MM-dd).", valueName: "DATE"))
    var effectiveAt: String?

    @Option(help: "Only this employee ID.")
    var id: String?

    @Flag(help: "What the LMS acknowledged (with --as-of: what it believed then), instead of what it should hold.")
    var believed = false

    func run() throws {
        let app = try options.app()
        let replay = Replay(asOf: try asOf.map(parseInstant), effectiveAt: try effectiveAt.map(parseDate), now: app.now())
        if believed {
            try showBelieved(app: app, replay: replay)
            return
        }
        if let id, replay.effectiveAt == nil {
            try one(EmployeeID(rawValue: id), app: app, asOf: replay.asOf)
            return
        }
        let (state, rules) = try failing { try app.desiredState(replay) }
        if let notice = rules.notice { warn(notice) }
        var users = state.users.values.sorted { $0.employeeID < $1.employeeID }
        if let id {
            users = users.filter { $0.employeeID.rawValue == id }
            if users.isEmpty {
                let projection = state[worker: EmployeeID(rawValue: id)]
                // A worker HR did not have yet on that date is told apart from one Roster never heard of.
                let known = try projection != nil || failing { try app.worker(EmployeeID(rawValue: id), asOf: replay.asOf).projection } != nil
                let reason = UserText.missing(id, projection, rules: rules.rules, asOf: replay.asOf, effectiveAt: replay.effectiveAt, known: known)
                let why = projection.flatMap { $0.whyNoUser(under: rules.rules) } ?? (known ? "HR's record of them takes effect later" : nil)
                try noUser(reason, why: why, known: known, rules: rules, replay: replay, next: nil)
                return
            }
        }
        if json {
            printJSON(JSONView.state(state, users: users, rules: rules, replay: replay))
            return
        }
        print("rules in force: \(rules.rules.shortVersion), adopted \(rules.adopted.recordedAt) by \(rules.adopted.adoption.adoptedBy)"
            + (replay.asOf.map { $0 < rules.adopted.recordedAt ? " (after that instant: the first rules count for the history before them)" : "" } ?? ""))
        if let asOf = replay.asOf { print("as of \(asOf) (recorded time)") }
        if let date = replay.effectiveAt { print("effective at the end of \(date) (valid time)") }
        for user in users { print(UserText.describe(user)) }
        guard id == nil else { return }
        let summary = StateSummary(state, users: users)
        print(
            "\(count(summary.users, "user")): \(summary.count(.active)) active, \(summary.count(.deactivated)) deactivated, "
                + "\(summary.count(.archived)) archived; \(count(summary.withoutUser, "worker")) without a user (out of scope or not started)")
        for unmapped in summary.unmapped {
            print(
                "unmapped in \(unmapped.mapping): \"\(unmapped.value)\" (\(count(unmapped.users.count, "user")), "
                    + "e.g. \(unmapped.users.prefix(3).map(\.rawValue).joined(separator: ", "))); add it to the mapping table")
        }
    }
}

extension StateCommand {
    /// One worker's user, from their own events.
    func one(_ id: EmployeeID, app: RosterApp, asOf: Timestamp?) throws {
        let (projection, rules) = try failing { try app.worker(id, asOf: asOf) }
        if let notice = rules.notice { warn(notice) }
        guard let user = projection?.user else {
            let reason = UserText.missing(id.rawValue, projection, rules: rules.rules, asOf: asOf)
            try noUser(
                reason, why: projection?.whyNoUser(under: rules.rules), known: projection != nil, rules: rules, replay: Replay(asOf: asOf),
                next: projection?.nextDue(under: rules.rules), absence: projection.flatMap { JSONView.absence(of: $0, rules: rules.rules) },
                zone: projection?.worker.timeZone)
            return
        }
        let due = projection?.nextDue(under: rules.rules)
        let next = due.map(JSONView.due)
        if json {
            printJSON([
                "rules": JSONView.rules(rules),
                "as_of": asOf?.iso8601 as Any, "effective_at": NSNull(),
                "users": [JSONView.user(user).merging(["next_due": next as Any]) { $1 }], "next_due": next as Any,
                "absence": projection.flatMap { JSONView.absence(of: $0, rules: rules.rules) } as Any,
            ])
        } else {
            print(UserText.describe(user))
            if let projection, let absence = UserText.absence(of: projection, rules: rules.rules) { print(absence) }
            if let projection, let due { print(UserText.next(due, zone: projection.worker.timeZone)) }
        }
    }
}

extension StateCommand {
    /// A worker without a user: for one Roster knows, that is the answer (printed, as JSON too);
    /// for an ID it never heard of, a failure.
    /// `reason` says it in a sentence, `why` alone (as `no_user_reason`, the admin API's name).
    func noUser(
        _ reason: String, why: String?, known: Bool, rules: RosterApp.RulesInForce, replay: Replay, next: (at: Timestamp, kind: ScheduledEffect.Kind)?,
        absence: [String: Any]? = nil, zone: String? = nil
    ) throws {
        guard known else {
            warn(reason)
            throw Exit.failed
        }
        if json {
            printJSON([
                "rules": JSONView.rules(rules),
                "as_of": replay.asOf?.iso8601 as Any, "effective_at": replay.effectiveAt?.description as Any, "users": [] as [Any],
                "no_user_reason": why as Any, "next_due": next.map(JSONView.due) as Any, "absence": absence as Any,
            ])
        } else {
            print(reason)
            if let next { print(UserText.next(next, zone: zone)) }
        }
    }
}

/// Users as text.
enum UserText {
    /// Why `id` has no LMS user to show (`projection` is theirs, nil when Roster knew no such
    /// worker), as of `asOf` (nil: now) and, in valid time, on `effectiveAt`; `known` says whether
    /// Roster knows the worker at all (as of `asOf`), when they had no record on that date.
    static func missing(
        _ id: String, _ projection: WorkerProjection?, rules: RuleSet, asOf: Timestamp?, effectiveAt: LocalDate? = nil, known: Bool = false
    ) -> String {
        let when = (asOf.map { " as of \($0)" } ?? "") + (effectiveAt.map { " on \($0) (valid time)" } ?? "")
        guard let projection else {
            if let effectiveAt, known {
                return "\(id) has no LMS user on \(effectiveAt) (valid time): HR's record of them takes effect later; `roster history \(id)` shows when"
            }
            return asOf.map { "Roster knew no worker \(id) as of \($0)" } ?? "no worker \(id); `roster workers` lists them"
        }
        return "\(id) has no LMS user\(when): \(projection.whyNoUser(under: rules) ?? "it has one")"
    }

    /// What is due next, with the worker's own wall-clock time: `next: deactivate at
    /// 2027-01-14T16:00:00.000000Z (17:00 on 2027-01-14, Europe/Warsaw)`.
    static func next(_ due: (at: Timestamp, kind: ScheduledEffect.Kind), zone: String?) -> String {
        var line = "    next: \(due.kind.rawValue) at \(due.at)"
        if let zone, let local = Zones.named(zone) {
            line += " (\(LocalTime.at(due.at, in: local)) on \(LocalDate.at(due.at, in: local)), \(zone))"
        }
        return line
    }

    /// A worker missing from a feed's full snapshots (not archived for it yet), and when the
    /// absence policy archives them.
    static func absence(of projection: WorkerProjection, rules: RuleSet) -> String? {
        guard projection.archived == nil, let absence = projection.absence else { return nil }
        let limits = [
            rules.absence.snapshots.map { "when \($0) are missed" }, absence.archiveAt(under: rules.absence).map { "at \($0)" },
        ].compactMap { $0 }
        let archive = limits.isEmpty ? "the rules never archive for it" : "archived " + limits.joined(separator: " or ") + (limits.count > 1 ? ", whichever comes first" : "")
        return "    absent: from \(absence.feed)'s full snapshots since \(absence.since), \(absence.snapshots) missed; \(archive)"
    }

    static func describe(_ user: LMSUser) -> String {
        var lines = ["\(user.employeeID)  \(user.status.rawValue)  \(user.userName)  \(user.firstName) \(user.lastName)  [\(user.statusProvenance.rule)]"]
        if !user.groups.isEmpty { lines.append("    groups: " + user.groups.keys.sorted().joined(separator: ", ")) }
        if !user.assignments.isEmpty {
            lines.append(
                "    courses: "
                    + user.assignments.values.sorted { $0.course < $1.course }.map { assignment in
                        assignment.course + (assignment.due.map { " (due \($0))" } ?? "")
                    }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// Users as JSON objects.
func parseInstant(_ text: String) throws -> Timestamp {
    guard let instant = Timestamp(iso8601: text) else {
        throw ValidationError("\"\(text)\" is not an instant; write RFC 3339 (2026-11-29T09:00:00Z) or a date (2026-11-29)")
    }
    return instant
}

func parseDate(_ text: String) throws -> LocalDate {
    guard let date = LocalDate(exactly: text) else {
        throw ValidationError("\"\(text)\" is not a date; write yyyy-MM-dd, e.g. 2026-11-29")
    }
    return date
}

/// `1 user`, `2 users`.
func count(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("roster: \(message)\n".utf8))
}

extension StateCommand {
    /// `--believed`: the accounts as the LMS's journaled answers tell them.
    func showBelieved(app: RosterApp, replay: Replay) throws {
        let (state, _) = try failing { try app.desiredState(replay) }
        var projections = state.allProjections.filter { $0.lms != nil }.sorted { $0.worker.id < $1.worker.id }
        if let id {
            guard state[worker: EmployeeID(rawValue: id)] != nil else {
                warn(UserText.missing(id, nil, rules: state.rules, asOf: replay.asOf))
                throw Exit.failed
            }
            projections = projections.filter { $0.worker.id.rawValue == id }
        }
        if json {
            printJSON([
                "as_of": replay.asOf?.iso8601 as Any,
                "users": projections.map { JSONView.account($0.worker.id, $0.lms!) },
            ])
            return
        }
        print(replay.asOf.map { "what the LMS believed as of \($0) (its answers recorded by then)" } ?? "what the LMS believes (its answers journaled so far)")
        if let date = replay.effectiveAt { print("effective at the end of \(date) (valid time)") }
        for projection in projections {
            let account = projection.lms!
            let groups = account.memberships.keys.filter { $0.kind == .group }.map(\.name).sorted()
            let courses = account.memberships.keys.filter { $0.kind == .course }.map(\.name).sorted()
            print(
                "\(projection.worker.id) \(account.profile.userName) (\(account.profile.givenName) \(account.profile.familyName)): "
                    + (account.active ? "active" : "inactive") + (account.lmsID.map { ", LMS id \($0)" } ?? "") + " [\(account.target)]")
            if !groups.isEmpty { print("    groups: \(groups.joined(separator: ", "))") }
            if !courses.isEmpty { print("    courses: \(courses.joined(separator: ", "))") }
        }
        let active = projections.count { $0.lms!.active }
        print("\(count(projections.count, "LMS account")): \(active) active, \(projections.count - active) inactive")
    }
}
