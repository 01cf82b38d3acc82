import ArgumentParser
import Configuration
import Foundation
import Journal
import Projections
import RosterKit
import Workforce

/// `roster rebuild`.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Replay the whole journal under candidate rules and show the difference; adopt them with --apply.",
        discussion: """
            --plan changes nothing. --apply journals the candidate as the rules in force (rules.adopted.v1); it is \
            refused when the difference crosses a safety threshold, unless --confirm is given. Exit 4 when refused.
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("The candidate rules file.", valueName: "FILE"))
    var rules: String

    @Flag(help: "Show the difference only.")
    var plan = false

    @Flag(help: "Adopt the candidate rules.")
    var apply = false

    @Flag(help: "Adopt even when a safety threshold is crossed.")
    var confirm = false

    @Option(help: "Who adopts (kept in the journal).")
    var by: String = ProcessInfo.processInfo.environment["USER"] ?? "admin"

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard plan != apply else { throw ValidationError("give exactly one of --plan and --apply") }
        guard apply || !confirm else { throw ValidationError("--confirm goes with --apply (it adopts rules a threshold would refuse)") }
        try requireActor(by)
    }

    func run() throws {
        let app = try options.app()
        let candidate = try failing { try RuleSetParser.load(path: rules) }
        if plan {
            let result = try failing { try app.plan(candidate: candidate) }
            report(result)
            return
        }
        // The journal names where the rules came from: a path that still says so from elsewhere.
        let source = URL(fileURLWithPath: rules).standardizedFileURL.path
        // Beside a running daemon the journal is read-only: said before the candidate is built.
        guard app.journal.configuration.access != .readOnly else {
            warn(Self.besideTheDaemon)
            throw Exit.failed
        }
        do {
            let before = try failing { try app.rulesInForce() }.adopted
            let (result, adopted) = try app.adopt(candidate, source: source, by: by, confirmed: confirm)
            report(result)
            if adopted.position == before.position {
                print("rules \(adopted.rules.shortVersion) are already in force (adopted \(adopted.recordedAt) by \(adopted.adoption.adoptedBy)); nothing adopted")
            } else {
                print("adopted rules \(adopted.rules.shortVersion) at \(adopted.recordedAt) by \(adopted.adoption.adoptedBy)")
            }
        } catch let refused as RosterApp.AdoptionRefused {
            warn(
                "\(refused); review `roster rebuild --rules \(rules) --plan`, then add --confirm to adopt them anyway "
                    + "(the candidate's store is built and kept, so that run is quick)")
            throw Exit.held
        } catch let failure as RosterApp.Failure {
            warn(failure.message)
            throw Exit.held
        } catch let error as JournalError where error.code == .readOnly || error.code == .locked {
            warn(Self.besideTheDaemon)
            throw Exit.failed
        } catch {
            warn("\(error)")
            throw Exit.failed
        }
    }

    static let besideTheDaemon =
        "roster serve holds the journal; adopt through its admin API (POST /v1/rules/adopt with the file's text, docs/openapi.yaml), "
        + "which builds the candidate while the live rules keep serving, or stop it and run this again"

    func report(_ result: RulesPlan) {
        let difference = result.difference
        if json {
            printJSON(JSONView.plan(result))
            return
        }
        print("live rules \(result.live.shortVersion) -> candidate \(result.candidate.shortVersion), replayed over the whole journal")
        if difference.isEmpty {
            print("no difference: the LMS would hold exactly the same")
        }
        func line(_ label: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            print("  \(label): \(items.count) (e.g. \(items.prefix(5).joined(separator: "; ")))")
        }
        line("users created", difference.usersAdded.map(\.rawValue))
        line("users no longer provisioned", difference.usersRemoved.map(\.rawValue))
        line("status changes", difference.statusChanges.map { "\($0.id) \($0.from.rawValue) -> \($0.to.rawValue)" })
        line("group memberships added", difference.groupsAdded.map { "\($0.id) + \($0.group)" })
        line("group memberships removed", difference.groupsRemoved.map { "\($0.id) - \($0.group)" })
        line("courses assigned", difference.assignmentsAdded.map { "\($0.id) + \($0.course)" })
        line("courses unassigned", difference.assignmentsRemoved.map { "\($0.id) - \($0.course)" })
        line("due dates changed", difference.dueDatesChanged.map { "\($0.id) \($0.course) \($0.from?.description ?? "none") -> \($0.to?.description ?? "none")" })
        line("names or emails changed", difference.profilesChanged.map(\.rawValue))
        if !result.heldByNoOne.isEmpty {
            print("named by the candidate, held by no worker (meant, or a typo that never matches):")
            for finding in result.heldByNoOne { print("  CHECK \(finding)") }
        }
        if result.crossed.isEmpty {
            print("safety thresholds: none crossed (population \(result.population))")
        } else {
            for reason in result.crossed { print("THRESHOLD \(reason)") }
        }
    }
}
