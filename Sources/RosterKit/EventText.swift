import Foundation
import Journal
import Projections
import Workforce

/// LMS changes in words.
public enum ChangeText {
    public static func describe(_ change: LMSChange) -> String {
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
        case .removed: "no longer provisioned (the LMS account is deactivated, never deleted)"
        }
    }

    public static func rule(_ provenance: Provenance) -> String {
        "[rule \(provenance.rule), rules \(provenance.ruleSet.prefix(12))]"
    }
}

/// Journal events in words.
public enum EventText {
    public static func source(_ event: RecordedEvent) -> String {
        let metadata = event.metadata
        var parts: [String] = []
        if let origin = metadata.origin { parts.append(origin) }
        // A feed's name says "feed"; Roster's own writers (an admin, the rules, the scheduler, an
        // LMS connector's answers) are named as they are.
        if let source = metadata.source {
            parts.append(["admin", "rules", "scheduler"].contains(source) || source.hasPrefix("lms:") ? source : "feed \(source)")
        }
        if let batch = metadata.batch { parts.append("batch \(batch)") }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    public static func summary(_ event: RecordedEvent) -> String {
        if let answer = try? LMSEvent.decode(type: event.type, payload: event.payload) { return summary(answer) }
        if let batch = try? BatchEvent.decode(type: event.type, payload: event.payload) { return summary(batch) }
        if let admin = try? AdminEvent.decode(type: event.type, payload: event.payload) { return summary(admin) }
        if case .fired(let effect)? = try? ScheduleEvent.decode(type: event.type, payload: event.payload) {
            return "\(effect.kind.rawValue), due \(effect.dueAt) [rule \(effect.rule), rules \(effect.ruleSet.prefix(12))], fired for \(effect.now)"
        }
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

    /// A batch's step, in a line.
    public static func summary(_ batch: BatchEvent) -> String {
        switch batch {
        case .received(let receipt): return "received \(receipt.file) for feed \(receipt.feed): \(receipt.rows) rows, \(receipt.bytes) bytes"
        case .rowQuarantined(let row):
            return "quarantined \(row.file) line \(row.line)" + (row.column.map { ", column \($0)" } ?? "") + (row.employeeID.map { " (\($0))" } ?? "")
                + ": \(row.reason)"
        case .rejected(let rejection): return "rejected" + (rejection.by.map { " by \($0)" } ?? "") + ": \(rejection.reason)"
        case .held(let hold): return "held (\(counts(hold.counts))): \(hold.reasons.joined(separator: "; "))"
        case .approved(let by): return "approved by \(by)"
        case .applied(let applied): return "applied: \(counts(applied))"
        }
    }

    /// What a batch did, by action, as `roster ingest` and `roster history` say it.
    public static func counts(_ counts: BatchCounts) -> String {
        "\(counts.creates) created, \(counts.changes) changed, \(counts.terminations) terminated, \(counts.absences) absent"
            + (counts.stillAbsent > 0 ? " (\(counts.stillAbsent) more still absent)" : "") + ", \(counts.quarantined) quarantined"
    }

    /// An admin's act, in a line.
    public static func summary(_ admin: AdminEvent) -> String {
        switch admin {
        case .rulesAdopted(let adoption): return "rules \(adoption.version.prefix(12)) adopted by \(adoption.adoptedBy) from \(adoption.source)"
        case .restored(let by, let reason): return "restored by \(by)" + (reason.map { ": \($0)" } ?? "")
        }
    }

    /// What the LMS answered, in a line.
    public static func summary(_ answer: LMSEvent) -> String {
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
