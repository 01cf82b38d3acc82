import ArgumentParser
import Foundation
import RosterKit

/// `roster tick`.
struct TickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "Fire what is due: first days reached, terminations taking effect, absence grace periods ended.",
        discussion: "Each effect is journaled as schedule.fired.v1. The daemon runs the same on a timer."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Act as if it were this instant (default: now).", valueName: "INSTANT"))
    var now: String?

    @Flag(help: "Allow --now later than the clock: what it fires is journaled for good (a rehearsal, on a copy of the data).")
    var allowFuture = false

    func run() throws {
        let app = try options.app()
        let clock = app.now()
        let instant = try now.map(parseInstant) ?? clock
        // Effects fired ahead of time are journaled like any others: a mistyped year would give
        // accounts years early, and a rebuild replays them. Ahead of the clock takes a flag.
        if instant > clock, !allowFuture {
            warn(
                "--now \(instant) is later than the clock (\(clock)): what fires is journaled for good and a rebuild replays it; "
                    + "add --allow-future to fire it anyway (a rehearsal on a copy of the data)")
            throw Exit.failed
        }
        let fired = try failing { try app.tick(at: instant) }
        for (id, effect) in fired {
            print("\(id): \(effect.kind.rawValue), due \(effect.dueAt) [rule \(effect.rule)]")
        }
        print(fired.isEmpty ? "nothing due at \(instant)" : "\(count(fired.count, "effect")) fired at \(instant)")
    }
}

/// `roster restore`.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring an archived worker's LMS user back, with its history, groups and assignments."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The employee ID.")
    var id: String

    @Option(help: "Who restores (kept in the journal).")
    var by: String = ProcessInfo.processInfo.environment["USER"] ?? "admin"

    func validate() throws { try requireActor(by) }

    @Option(help: "Why (kept in the journal).")
    var reason: String?

    func run() throws {
        let app = try options.app()
        let user = try failing { try app.restore(.init(rawValue: id), by: by, reason: reason) }
        print("restored \(id): the LMS user is \(user.status.rawValue) again")
        print(UserText.describe(user))
    }
}
