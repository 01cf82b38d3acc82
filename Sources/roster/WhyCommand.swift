import ArgumentParser
import Foundation
import Journal
import Projections
import Rules
import RosterKit
import Workforce

/// `roster why`.
struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "The causal chain from an HR event, through a rule, to a user's course, group or status.",
        discussion: "THING is a course, a group, or `status`; write course:NAME or group:NAME when a course and a group share a name."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The employee ID.")
    var id: String

    @Argument(help: ArgumentHelp("A course, a group, or `status`.", valueName: "COURSE-OR-GROUP"))
    var thing: String

    @Option(help: ArgumentHelp("As Roster believed at this instant.", valueName: "INSTANT"))
    var asOf: String?

    func run() throws {
        let app = try options.app()
        let instant = try asOf.map(parseInstant)
        let (projection, rules) = try failing { try app.worker(EmployeeID(rawValue: id), asOf: instant) }
        // `course:NAME` or `group:NAME` when a course and a group share a name (or one is called `status`).
        let (kind, name) = Self.parse(thing)
        let folded = name.lowercased()
        guard let user = projection?.user else {
            let reason = UserText.missing(id, projection, rules: rules.rules, asOf: instant)
            // Why a worker Roster knows has no user is the answer to `why ID status`.
            guard projection != nil, kind == nil, folded == "status" else {
                warn(reason)
                throw Exit.failed
            }
            print(reason)
            return
        }
        let fact: String
        let provenance: Provenance
        /// The outbox commands that carry this fact to the LMS.
        let commands: (String) -> Bool
        if kind != .group, let assignment = user.assignments.values.first(where: { $0.course.lowercased() == folded }) {
            fact = "course \(assignment.course) assigned" + (assignment.due.map { ", due \($0)" } ?? "")
            provenance = assignment.provenance
            commands = { $0.hasSuffix(" add \(LMSMembership(.course, assignment.course))") }
        } else if kind != .course, let (group, why) = user.groups.first(where: { $0.key.lowercased() == folded }) {
            fact = "member of group \(group)"
            provenance = why
            commands = { $0.hasSuffix(" add \(LMSMembership(.group, group))") }
        } else if kind == nil, folded == "status" {
            fact = "user \(user.status.rawValue)"
            provenance = user.statusProvenance
            commands = { command in [" create", " deactivate", " reactivate"].contains { command.hasSuffix($0) } }
        } else {
            let known = user.assignments.keys.sorted().map { "course:\($0)" } + user.groups.keys.sorted().map { "group:\($0)" }
            let what = kind.map { "no \($0.rawValue)" } ?? "no course or group"
            warn(
                "\(id) has \(what) \"\(name)\"\(instant.map { " as of \($0)" } ?? ""); it has: "
                    + "\(known.isEmpty ? "none" : known.joined(separator: ", ")), and `status`")
            throw Exit.failed
        }
        print("\(id): \(fact)")
        if let cause = try failing({ try app.journal.event(at: provenance.cause) }) {
            var line = "  because  #\(cause.position) \(cause.type), recorded \(cause.recordedAt)"
            if let effective = cause.effectiveAt { line += ", effective \(effective)" }
            print(line)
            print("           \(EventText.summary(cause))")
            print("           source: \(EventText.source(cause))")
        }
        if folded == "status", user.status == .archived, let absence = projection?.absence {
            print("  missing  from feed \(absence.feed) since \(absence.since), and from \(count(absence.snapshots, "full snapshot")) since")
        }
        print("  by rule  \(Self.describe(rule: provenance.rule, in: rules.rules))")
        print("  in rules \(provenance.ruleSet.prefix(12)), adopted \(rules.adopted.recordedAt) by \(rules.adopted.adoption.adoptedBy) from \(rules.adopted.adoption.source)")
        print("  so       \(fact), at \(provenance.at)")
        try printDelivery(app: app, projection: projection!, cause: provenance.cause, asOf: instant, matching: commands)
    }

    /// The LMS calls that carried the fact, and what the LMS answered, from the journal; or the
    /// call still to come, or why none is needed.
    func printDelivery(app: RosterApp, projection: WorkerProjection, cause: JournalPosition, asOf instant: Timestamp?, matching: (String) -> Bool) throws {
        let events = try failing { try app.journal.read { try $0.events(forSubject: id) } }
        var acknowledged = false
        for event in events where event.type.rawValue.hasPrefix("lms.") && instant.map({ event.recordedAt <= $0 }) ?? true {
            guard let answer = try? LMSEvent.decode(type: event.type, payload: event.payload), answer.cause == cause, matching(answer.command) else {
                continue
            }
            switch answer.kind {
            case .deliveryFailed(let failure):
                let next = failure.dead ? "dead letter" : "retry at \(failure.retryAt.map { $0.description } ?? "now")"
                let status = failure.status == 0 ? "" : "\(failure.status) "
                print("  sent     \"\(answer.command)\" to \(answer.target): attempt \(failure.attempt) failed, \(status)\(failure.error) (\(next)), #\(event.position) at \(event.recordedAt)")
            case .retryRequested(let by):
                print("  retried  \"\(answer.command)\" on request of \(by), #\(event.position) at \(event.recordedAt)")
            default:
                acknowledged = true
                let call = event.metadata.origin.map { " (\($0))" } ?? ""
                print("  sent     \"\(answer.command)\" to \(answer.target)\(call)")
                print("  answer   #\(event.position) \(event.type), recorded \(event.recordedAt)")
            }
        }
        guard !acknowledged else { return }
        if projection.commands.contains(where: { matching($0.id) }) {
            print("  pending  the LMS has not acknowledged it yet; `roster plan` shows the call to come")
        } else if projection.lms == nil {
            print("  no call  the LMS has no account for \(id), and none is made for a user who should not sign in")
        } else {
            print("  no call  the LMS already holds it")
        }
    }

    /// `course:NAME` and `group:NAME` say which; a bare name is a course, else a group, else `status`.
    static func parse(_ thing: String) -> (kind: LMSMembership.Kind?, name: String) {
        for kind in [LMSMembership.Kind.course, .group] {
            let prefix = kind.rawValue + ":"
            if thing.lowercased().hasPrefix(prefix) { return (kind, String(thing.dropFirst(prefix.count))) }
        }
        return (nil, thing)
    }

    static func describe(rule id: String, in rules: RuleSet) -> String {
        if let trigger = rules.triggers.first(where: { $0.id == id }) { return trigger.description }
        if let mapping = rules.groups.first(where: { $0.id == id }) { return mapping.description }
        switch id {
        case "hire": return "hire: a worker in scope gets an LMS user on their first day, in their own time zone"
            + (rules.preStartDays > 0 ? ", \(rules.preStartDays) days early" : "")
        case "termination": return "termination: deactivated when the termination takes effect; never deleted"
        case "scope": return "scope: only workers in scope have an active user"
        case "status": return "status: the user is active while HR reports the worker employed and no termination date of theirs has passed"
        case "absence":
            let limits = [rules.absence.snapshots.map { "\($0) full snapshots" }, rules.absence.days.map { "\($0) days" }].compactMap { $0 }
            return "absence: archived after \(limits.joined(separator: " or ")) missing from the feed"
        case "rehire": return "rehire: the same user is reactivated on the new first day"
        case "restore": return "restore: an admin brought the archived user back"
        default: return id
        }
    }
}
