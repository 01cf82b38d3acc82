import ArgumentParser
import Foundation
import Journal
import Projections
import RosterKit
import Workforce

/// `roster history`.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every event about a worker, and every LMS fact derived from it, with its source, rule and rule-set version."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The employee ID.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let app = try options.app()
        let worker = EmployeeID(rawValue: id)
        let (projection, trail, rules) = try failing { try app.tracedWorker(worker, asOf: nil) }
        if let notice = rules.notice { warn(notice) }
        var events = try failing { try app.journal.read { try $0.events(forSubject: id) } }
        guard !events.isEmpty else {
            warn("no worker \(id); `roster workers` lists them")
            throw Exit.failed
        }
        // Facts caused by events about something else (a batch that counted an absence) show that event too.
        let own = Set(events.map(\.position))
        for cause in Set(trail.map(\.cause)).subtracting(own) {
            if let event = try failing({ try app.journal.event(at: cause) }) { events.append(event) }
        }
        events.sort { $0.position < $1.position }
        let derived = Dictionary(grouping: trail, by: \.cause)
        if json {
            printJSON([
                "employee_id": id,
                "events": events.map { event in
                    [
                        "position": event.position.rawValue, "type": event.type.rawValue, "recorded_at": event.recordedAt.iso8601,
                        "effective_at": event.effectiveAt?.iso8601 as Any, "subject": event.subject, "source": EventText.source(event),
                        "payload": (try? JSONSerialization.jsonObject(with: Data(event.payload))) as Any,
                        "derived": (derived[event.position] ?? []).map { entry in
                            ["at": entry.at.iso8601, "changes": entry.changes.map(ChangeText.describe)]
                        },
                    ] as [String: Any]
                },
            ])
            return
        }
        for event in events {
            var line = "#\(event.position)  \(event.recordedAt)  \(event.type)"
            if let effective = event.effectiveAt { line += "  effective \(effective)" }
            if event.subject != id { line += "  (\(event.subject))" }
            print(line)
            print("    \(EventText.summary(event))")
            print("    source: \(EventText.source(event))")
            for entry in derived[event.position] ?? [] {
                for change in entry.changes { print("    -> \(entry.at)  LMS: \(ChangeText.describe(change))") }
            }
        }
        if let user = projection?.user {
            print("now: \(user.status.rawValue) [\(user.statusProvenance.rule)], rules \(rules.rules.shortVersion)")
        } else {
            print("now: no LMS user (out of scope, or not started yet)")
        }
    }
}

/// LMS changes in words.
enum ChangeText {
    static func describe(_ change: LMSChange) -> String {
        switch change {
        case .created(let user):
            "user created, \(user.status.rawValue), \(user.userName) (\(user.firstName) \(user.lastName)) \(rule(user.statusProvenance))"
        case .statusChanged(let from, let to, let provenance): "status \(from.rawValue) -> \(to.rawValue) \(rule(provenance))"
        case .profileChanged(let field, let old, let new): "\(field) \(old ?? "(none)") -> \(new ?? "(none)")"
        case .addedToGroup(let group, let provenance): "added to group \(group) \(rule(provenance))"
        case .removedFromGroup(let group, _): "removed from group \(group)"
        case .assigned(let assignment):
            "course \(assignment.course) assigned" + (assignment.due.map { ", due \($0)" } ?? "") + " \(rule(assignment.provenance))"
        case .unassigned(let assignment): "course \(assignment.course) unassigned"
        }
    }

    static func rule(_ provenance: Provenance) -> String {
        "[rule \(provenance.rule), rules \(provenance.ruleSet.prefix(12))]"
    }
}

/// Journal events in words.
enum EventText {
    static func source(_ event: RecordedEvent) -> String {
        let metadata = event.metadata
        var parts: [String] = []
        if let origin = metadata.origin { parts.append(origin) }
        if let source = metadata.source { parts.append("feed \(source)") }
        if let batch = metadata.batch { parts.append("batch \(batch)") }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    static func summary(_ event: RecordedEvent) -> String {
        if let answer = try? LMSEvent.decode(type: event.type, payload: event.payload) { return summary(answer) }
        guard let decoded = try? WorkerEvent.decode(type: event.type, payload: event.payload) else {
            return String(decoding: event.payload.prefix(300), as: UTF8.self)
        }
        switch decoded {
        case .hired(let worker), .rehired(let worker):
            return "\(worker.displayFirstName) \(worker.displayLastName), \(worker.jobTitle ?? "no title"), \(worker.departmentName ?? "no department"), "
                + "\(worker.location ?? "no location") (\(worker.timeZone)), \(worker.employmentType.rawValue), \(worker.status.rawValue)"
                + (worker.hireDate.map { ", hire date \($0)" } ?? "")
        case .changed(let field, let old, let new): return "\(field.rawValue): \(old ?? "(none)") -> \(new ?? "(none)")"
        case .attributeChanged(let name, let old, let new): return "\(name): \(old ?? "(none)") -> \(new ?? "(none)")"
        case .terminated(let date, let previous): return "terminated" + (date.map { " on \($0)" } ?? "") + " (was \(previous.rawValue))"
        case .converted(let from, let to): return "employment type \(from.rawValue) -> \(to.rawValue)"
        case .emailChanged(let old, let new): return "email \(old ?? "(none)") -> \(new ?? "(none)")"
        case .nameChanged(let old, let new):
            return "name \(old.legalFirst) \(old.legalLast) -> \(new.legalFirst) \(new.legalLast)"
                + (old.preferredFirst != new.preferredFirst ? " (preferred \(old.preferredFirst ?? "-") -> \(new.preferredFirst ?? "-"))" : "")
        case .absent(let feed, let batch): return "missing from \(feed)'s full snapshot (batch \(batch))"
        case .returned(let feed, let batch): return "back in \(feed)'s snapshot (batch \(batch))"
        case .emailConflict(let email, let holder): return "claims \(email), which \(holder) holds; a person must resolve it"
        }
    }

    /// What the LMS answered, in a line.
    static func summary(_ answer: LMSEvent) -> String {
        let what: String
        switch answer.kind {
        case .userCreated(let lmsID, let profile, let adopted):
            what = (adopted ? "adopted the LMS's account " : "created user ") + profile.userName + (lmsID.map { " (LMS id \($0))" } ?? "")
        case .userUpdated(let profile): what = "profile now \(profile.givenName) \(profile.familyName) <\(profile.email ?? "no email")>"
        case .userDeactivated: what = "user deactivated"
        case .userReactivated: what = "user reactivated"
        case .membershipAdded(let membership): what = "added to \(membership)"
        case .membershipRemoved(let membership): what = "removed from \(membership)"
        case .deliveryFailed(let failure):
            what = "attempt \(failure.attempt) failed: " + (failure.status == 0 ? "" : "\(failure.status) ") + failure.error
                + (failure.dead ? " (dead letter)" : failure.retryAt.map { " (retry at \($0))" } ?? "")
        case .retryRequested(let by): what = "\(by) asked for the dead letter to go again"
        case .userMissing: what = "reconcile found no account in the LMS (deleted by hand?)"
        }
        return "LMS \(answer.target): \(what) [command \"\(answer.command)\", cause #\(answer.cause.rawValue)]"
    }
}
