import ArgumentParser
import Configuration
import Foundation
import Journal
import Projections
import Provisioning
import RosterKit
import Workforce

/// `roster plan`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the exact LMS operations a sync would send now, sending nothing.",
        discussion: "Each is the difference between the LMS desired state and what the LMS acknowledged, with the journal event that caused it."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let app = try options.app()
        let commands = try failing { try app.plan() }
        let now = app.now()
        // What the next round sends: what is due (GET /v1/plan too); `roster outbox` lists the rest.
        let due = commands.filter { $0.isDue(at: now) }
        let waiting = commands.count - due.count
        if json {
            printJSON(["now": now.iso8601, "commands": due.map(CommandText.object), "waiting": waiting])
            return
        }
        for command in due { print(CommandText.describe(command)) }
        print(
            due.isEmpty && waiting == 0
                ? "nothing to send: the LMS holds what it should"
                : "\(count(due.count, "operation")) to send" + (waiting > 0 ? "; \(waiting) waiting (`roster outbox` lists them)" : ""))
    }
}

/// `roster sync`.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Deliver what is due to the LMS once, journal every answer, and print a summary.",
        discussion: "Exit status 0 when everything due was acknowledged; 6 when some delivery failed (it waits for its retry, or is a dead letter)."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let app = try options.app()
        let summary: Provisioner.Summary
        do {
            summary = try await app.sync()
        } catch {
            FileHandle.standardError.write(Data("roster: \(error)\n".utf8))
            throw Exit.failed
        }
        if json {
            printJSON([
                "acknowledged": summary.acknowledged, "failed": summary.failed, "waiting": summary.waiting, "dead": summary.dead,
                "rounds": summary.rounds,
                "deliveries": summary.deliveries.map { delivery -> [String: Any] in
                    var object = CommandText.object(delivery.command)
                    object["outcome"] = CommandText.outcome(delivery)
                    return object
                },
            ])
        } else {
            for delivery in summary.deliveries { print(CommandText.describe(delivery)) }
            if summary.deliveries.isEmpty, summary.waiting == 0, summary.dead == 0 {
                print("nothing to send: the LMS holds what it should")
                return
            }
            print(
                "\(summary.acknowledged) LMS changes acknowledged, \(summary.failed) failed; "
                    + "\(summary.waiting) waiting for a retry, \(summary.dead) dead letters")
            if let note = Self.moodleRemovals(summary, lms: app.configuration.lms) { print(note) }
        }
        if summary.failed > 0 || summary.dead > 0 { throw Exit.deliveryFailed }
    }

    /// Moodle's user upload cannot take anyone out of a cohort or course: the export lists those
    /// removals in its manifest for a person, and the sync says so rather than just "done".
    static func moodleRemovals(_ summary: Provisioner.Summary, lms: LMSConfiguration) -> String? {
        guard case .csvExport(let directory, let formats) = lms.connector, formats.contains(.moodle) else { return nil }
        var runs: Set<String> = []
        var removals = 0
        for delivery in summary.deliveries {
            guard case .remove = delivery.command.action, case .acknowledged(_, _, let call) = delivery.outcome else { continue }
            removals += 1
            runs.insert(String(call.dropFirst("export ".count)))
        }
        guard removals > 0 else { return nil }
        let manifests = runs.sorted().map { "\(directory)/\($0)/manifest.json" }.joined(separator: ", ")
        let canvas = formats.contains(.canvas) ? " (done in the Canvas files)" : ""
        return "Moodle: \(count(removals, "removal")) its upload cannot make\(canvas); "
            + "apply by hand from moodle_removals_to_apply_by_hand in \(manifests)"
    }
}

/// `roster outbox`.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List the LMS commands not yet acknowledged: due, waiting for a retry, or dead letters.",
        subcommands: [ListOutbox.self, RetryOutbox.self],
        defaultSubcommand: ListOutbox.self
    )

    struct ListOutbox: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the outbox (the default).")

        @OptionGroup var options: ConfigOption

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let app = try options.app()
            let commands = try failing { try app.plan() }
            if json {
                printJSON(["now": app.now().iso8601, "commands": commands.map(CommandText.object)])
                return
            }
            let now = app.now()
            for command in commands {
                var line = CommandText.describe(command)
                if let failure = command.lastFailure {
                    line += failure.dead
                        ? "\n    DEAD after attempt \(failure.attempt): \(CommandText.failure(failure)); `roster outbox retry \"\(command.id)\"` sends it again"
                        : "\n    attempt \(failure.attempt) failed: \(CommandText.failure(failure)); next attempt \(failure.retryAt.map { $0.description } ?? "now")"
                }
                print(line)
            }
            let dead = commands.count(where: \.isDead)
            let due = commands.count { $0.isDue(at: now) }
            print("\(commands.count) commands: \(due) due now, \(commands.count - due - dead) waiting for a retry, \(dead) dead letters")
        }
    }

    struct RetryOutbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry", abstract: "Send dead letters again: the named commands, or all of them.",
            discussion: "Journals lms.retry-requested.v1 for each; the next `roster sync` delivers them with fresh attempts.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "Command IDs as `roster outbox` shows them (default: every dead letter).")
        var ids: [String] = []

        @Option(help: "Who asks (kept in the journal).")
        var by: String = ProcessInfo.processInfo.environment["USER"] ?? "admin"

        func validate() throws { try requireActor(by) }

        func run() throws {
            let app = try options.app()
            let retried = try failing { try app.provisioner().retry(ids, by: by) }
            for command in retried { print("retry: \(command.id)") }
            print(retried.isEmpty ? "no dead letters" : "\(retried.count) dead letters back in the outbox; run `roster sync`")
        }
    }
}

/// How commands and deliveries read in the terminal and in JSON.
enum CommandText {
    static func action(_ command: LMSCommand) -> String {
        switch command.action {
        case .create: "create user \(command.profile.userName) (\(command.profile.givenName) \(command.profile.familyName))"
        case .update: "update profile of \(command.profile.userName)"
        case .deactivate: "deactivate \(command.profile.userName)"
        case .reactivate: "reactivate \(command.profile.userName)"
        case .add(let membership): "add to \(membership)"
        case .remove(let membership): "remove from \(membership)"
        }
    }

    static func describe(_ command: LMSCommand) -> String {
        "\(command.employeeID): \(action(command)) [cause #\(command.cause.rawValue)]"
    }

    static func failure(_ failure: DeliveryFailure) -> String {
        failure.status == 0 ? failure.error : "\(failure.status) \(failure.error)"
    }

    static func describe(_ delivery: Provisioner.Delivery) -> String {
        let base = "\(delivery.command.employeeID): \(action(delivery.command))"
        switch delivery.outcome {
        case .acknowledged(let lmsID, let adopted, _):
            return base + (adopted ? " (adopted the LMS's account)" : "") + (lmsID.map { " -> LMS id \($0)" } ?? "") + ": done"
        case .skipped:
            return base + ": not sent (an earlier command for this user failed)"
        case .failed(let error):
            let failure = delivery.failure
            let next = failure?.dead == true ? "dead letter" : "retry at \(failure?.retryAt?.description ?? "?")"
            return base + ": FAILED \(error) (attempt \(failure?.attempt ?? 0), \(next))"
        }
    }

    static func outcome(_ delivery: Provisioner.Delivery) -> [String: Any] {
        switch delivery.outcome {
        case .acknowledged(let lmsID, let adopted, let call):
            return ["result": "acknowledged", "lms_id": lmsID as Any, "adopted": adopted, "call": call]
        case .skipped: return ["result": "skipped"]
        case .failed(let error):
            return [
                "result": "failed", "status": error.status, "error": error.message, "dead": delivery.failure?.dead ?? false,
                "retry_at": delivery.failure?.retryAt?.iso8601 as Any, "attempt": delivery.failure?.attempt ?? 0,
            ]
        }
    }

    static func object(_ command: LMSCommand) -> [String: Any] { JSONView.command(command) }
}

/// `roster reconcile`.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Read every user and group back from the LMS and report how it differs from what Roster believes (edits made by hand).",
        discussion: """
            --fix journals what the LMS really holds, so the outbox holds the corrections: `roster plan` shows them and the next \
            `roster sync` sends them. Accounts no employee ID names are listed, never touched. Needs a connector that can read the \
            LMS (scim). Exit status 0 when nothing drifted; 7 when something did.
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Journal what the LMS holds so the next sync corrects it.")
    var fix = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let app = try options.app()
        let result: (drift: [Drift], unmanaged: [String])
        do {
            result = try await app.reconcile(fix: fix)
        } catch {
            FileHandle.standardError.write(Data("roster: \(error)\n".utf8))
            throw Exit.failed
        }
        if json {
            printJSON([
                "fixed": fix, "unmanaged": result.unmanaged,
                "drift": result.drift.map { ["employee_id": $0.employeeID.rawValue, "description": $0.description] },
            ])
        } else {
            for item in result.drift { print(item.description) }
            for account in result.unmanaged { print("not managed by Roster: \(account)") }
            print(
                result.drift.isEmpty
                    ? "the LMS holds what Roster believes"
                    : "\(result.drift.count) differences" + (fix ? "; journaled, `roster plan` shows the corrections" : "; `roster reconcile --fix` queues the corrections"))
        }
        if !result.drift.isEmpty { throw Exit.drifted }
    }
}
