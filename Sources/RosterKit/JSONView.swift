import Foundation
import Ingestion
import Journal
import Projections
import Rules
import Workforce

/// The JSON shapes Roster answers in, shared by the command line (`--json`) and the admin API,
/// so a script written against one reads the other.
public enum JSONView {
    /// A desired LMS user, with the provenance of each fact.
    public static func user(_ user: LMSUser) -> [String: Any] {
        [
            "employee_id": user.employeeID.rawValue, "user_name": user.userName, "first_name": user.firstName, "last_name": user.lastName,
            "email": user.email as Any, "status": user.status.rawValue, "status_reason": provenance(user.statusProvenance),
            "groups": user.groups.sorted { $0.key < $1.key }.map { ["name": $0.key, "provenance": provenance($0.value)] },
            "assignments": user.assignments.values.sorted { $0.course < $1.course }.map { assignment in
                ["course": assignment.course, "due": assignment.due?.description as Any, "provenance": provenance(assignment.provenance)]
            },
            "unmapped": user.unmapped.dictionary,
        ]
    }

    /// The desired state as `roster state --json` and `GET /v1/state` give it: the rules in
    /// force, the users (each with what is due next), their counts by status, and the HR values
    /// no mapping table knows.
    public static func state(_ state: DesiredState, users: [LMSUser], rules: RosterApp.RulesInForce, replay: Replay) -> [String: Any] {
        let summary = StateSummary(state, users: users)
        return [
            "rules": self.rules(rules), "as_of": replay.asOf?.iso8601 as Any, "effective_at": replay.effectiveAt?.description as Any,
            "users": users.map { user in
                var json = self.user(user)
                json["next_due"] = state[worker: user.employeeID]?.nextDue(under: state.rules).map(due) as Any
                return json
            },
            "summary": [
                "users": summary.users, "active": summary.count(.active), "deactivated": summary.count(.deactivated),
                "archived": summary.count(.archived), "workers_without_user": summary.withoutUser,
            ],
            "unmapped": summary.unmapped.map { unmapped in
                ["mapping": unmapped.mapping, "value": unmapped.value, "users": unmapped.users.count, "examples": unmapped.users.prefix(3).map(\.rawValue)]
                    as [String: Any]
            },
        ]
    }

    /// The rules in force, as every answer about the desired state names them.
    public static func rules(_ rules: RosterApp.RulesInForce) -> [String: Any] {
        ["version": rules.rules.version, "adopted_at": rules.adopted.recordedAt.iso8601, "adopted_by": rules.adopted.adoption.adoptedBy]
    }

    public static func provenance(_ provenance: Provenance) -> [String: Any] {
        ["rule": provenance.rule, "rule_set": provenance.ruleSet, "cause": provenance.cause.rawValue, "at": provenance.at.iso8601]
    }

    /// The next moment something is due for a worker, and what (`WorkerProjection.nextDue`).
    public static func due(_ due: (at: Timestamp, kind: ScheduledEffect.Kind)) -> [String: Any] {
        ["at": due.at.iso8601, "effect": due.kind.rawValue]
    }

    /// What adopting candidate rules would change (`roster rebuild --plan --json`, `POST /v1/rules/plan`).
    public static func plan(_ plan: RulesPlan) -> [String: Any] {
        let difference = plan.difference
        return [
            "live": plan.live.version, "candidate": plan.candidate.version, "population": plan.population,
            "users_added": difference.usersAdded.map(\.rawValue), "users_removed": difference.usersRemoved.map(\.rawValue),
            "status_changes": difference.statusChanges.map { ["employee_id": $0.id.rawValue, "from": $0.from.rawValue, "to": $0.to.rawValue] },
            "groups_added": difference.groupsAdded.map { ["employee_id": $0.id.rawValue, "group": $0.group] },
            "groups_removed": difference.groupsRemoved.map { ["employee_id": $0.id.rawValue, "group": $0.group] },
            "assignments_added": difference.assignmentsAdded.map { ["employee_id": $0.id.rawValue, "course": $0.course] },
            "assignments_removed": difference.assignmentsRemoved.map { ["employee_id": $0.id.rawValue, "course": $0.course] },
            "due_dates_changed": difference.dueDatesChanged.map {
                ["employee_id": $0.id.rawValue, "course": $0.course, "from": $0.from?.description as Any, "to": $0.to?.description as Any]
            },
            "profiles_changed": difference.profilesChanged.map(\.rawValue), "thresholds_crossed": plan.crossed,
            "held_by_no_one": plan.heldByNoOne,
        ]
    }

    /// A worker missing from a feed's full snapshots, while not archived for it: how many they
    /// missed, and when the absence policy archives them (at the snapshot that makes
    /// `archive_after_snapshots`, or at `archive_at`, whichever comes first; either may be null).
    public static func absence(of projection: WorkerProjection, rules: RuleSet) -> [String: Any]? {
        guard projection.archived == nil, let absence = projection.absence else { return nil }
        return [
            "feed": absence.feed, "since": absence.since.iso8601, "snapshots_missed": absence.snapshots,
            "archive_after_snapshots": rules.absence.snapshots as Any,
            "archive_at": absence.archiveAt(under: rules.absence)?.iso8601 as Any,
        ]
    }

    /// An account as the LMS acknowledged it.
    public static func account(_ id: EmployeeID, _ account: LMSAccount) -> [String: Any] {
        [
            "employee_id": id.rawValue, "target": account.target, "lms_id": account.lmsID as Any, "active": account.active,
            "user_name": account.profile.userName, "given_name": account.profile.givenName, "family_name": account.profile.familyName,
            "email": account.profile.email as Any,
            "groups": account.memberships.keys.filter { $0.kind == .group }.map(\.name).sorted(),
            "courses": account.memberships.keys.filter { $0.kind == .course }.map(\.name).sorted(),
            "created_by": account.createdBy.rawValue,
        ]
    }

    /// An outbox command, with its last failure.
    public static func command(_ command: LMSCommand) -> [String: Any] {
        var object: [String: Any] = [
            "id": command.id, "employee_id": command.employeeID.rawValue, "cause": command.cause.rawValue, "active": command.active,
            "lms_id": command.lmsID as Any,
            "profile": [
                "user_name": command.profile.userName, "given_name": command.profile.givenName, "family_name": command.profile.familyName,
                "email": command.profile.email as Any, "title": command.profile.title as Any, "department": command.profile.department as Any,
                "cost_center": command.profile.costCenter as Any, "manager": command.profile.manager?.rawValue as Any,
            ],
        ]
        switch command.action {
        case .create: object["action"] = "create"
        case .update: object["action"] = "update"
        case .deactivate: object["action"] = "deactivate"
        case .reactivate: object["action"] = "reactivate"
        case .add(let membership):
            object["action"] = "add"
            object["membership"] = ["kind": membership.kind.rawValue, "name": membership.name]
        case .remove(let membership):
            object["action"] = "remove"
            object["membership"] = ["kind": membership.kind.rawValue, "name": membership.name]
        }
        if let failure = command.lastFailure {
            object["last_failure"] = [
                "attempt": failure.attempt, "status": failure.status, "error": failure.error, "dead": failure.dead,
                "retry_at": failure.retryAt?.iso8601 as Any,
            ]
        }
        return object
    }

    /// A received batch: its file, counts, state and the reasons it was held or rejected.
    public static func batch(_ batch: WorkforceHistory.Batch) -> [String: Any] {
        var object: [String: Any] = [
            "batch": batch.id, "feed": batch.receipt.feed, "file": batch.receipt.file, "sha256": batch.receipt.sha256,
            "rows": batch.receipt.rows, "state": batch.state.rawValue, "received_at": batch.recordedAt.iso8601, "reasons": batch.reasons,
        ]
        if let counts = batch.counts { object["counts"] = Self.counts(counts) }
        return object
    }

    public static func counts(_ counts: BatchCounts) -> [String: Any] {
        [
            "creates": counts.creates, "changes": counts.changes, "terminations": counts.terminations, "absences": counts.absences, "still_absent": counts.stillAbsent,
            "quarantined": counts.quarantined,
        ]
    }

    /// JSON text of `value`, keys sorted.
    public static func data(_ value: Any, pretty: Bool = true) -> Data {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return (try? JSONSerialization.data(withJSONObject: value, options: options)) ?? Data("null".utf8)
    }
}
