import ArgumentParser
import FeedGenerator
import Foundation
import Journal
import Projections
import Provisioning
import Rules
import SCIM
import Synchronization
import Workforce

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `roster-bench provisioning`: the outbox delivered to a real SCIM server (scim2-server), and a
/// termination's way from the journal to the LMS, each beside the same SCIM requests sent raw.
struct ProvisioningBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisioning",
        abstract:
            "Measure SCIM provisioning throughput and termination latency against scim2-server, beside raw SCIM requests.",
        discussion: """
            Each run starts two scim2-servers from the virtual environment. N hires (each in scope, in a department \
            group and an office group: three commands, five requests) are journaled and delivered in rounds of 50 \
            by Provisioner.sync(): to the first server one worker at a time, to the second eight at once. The \
            baseline, interleaved round by round on the same servers: the same five requests per hire sent raw by \
            SCIMClient, one hire at a time and eight at once, with no journal, projection or connector. Then, on \
            the second server (more hires delivered first, not timed, when there are more terminations than \
            workers), terminations one at a time: each is journaled, then a sync delivers its PATCH active=false, \
            timed from the append's return to the sync's return with the LMS's answer journaled; a raw PATCH \
            active=false to the same server, timed just before each, is its baseline. A sync catches the \
            projection store up several times, and each catch-up reads every worker's record: a termination's \
            latency grows with the workforce.
            """
    )

    @Option(help: "Workers hired and provisioned, timed, to each of the two servers.")
    var workers: Int = 150

    @Option(
        help:
            "Terminations a run, each journaled and synced on its own; more than --workers hires the rest first, not timed."
    )
    var terminations: Int = 350

    @Option(help: "Runs; the report gives each, the median, and the terminations of all runs together.")
    var runs: Int = 3

    @Option(help: ArgumentHelp("The Python virtual environment holding scim2-server.", valueName: "DIR"))
    var scimVenv: String = ".venv-scim"

    @Option(
        help: ArgumentHelp("Write the figures into this markdown file, between its bench markers.", valueName: "FILE"))
    var report: String?

    func validate() throws {
        guard workers >= 1, terminations >= 1, runs >= 1 else {
            throw ValidationError("--workers, --terminations and --runs must be at least 1")
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError(
                "scim2-server is not installed at \(executable); create the virtual environment with "
                    + "Tests/Support/SCIMTestSupport/setup-venv.sh (or `make scim-venv`), or name another with --scim-venv"
            )
        }
    }

    var executable: String { scimVenv + "/bin/scim2-server" }

    func run() throws {
        let plan = Plan(
            executable: executable, workers: workers, hires: Self.hires(max(workers, terminations)),
            terminations: terminations)
        var results: [Figures] = []
        for run in 1...runs {
            FileHandle.standardError.write(Data("run \(run) of \(runs)\n".utf8))
            results.append(try waitFor { try await plan.measure(run: run) })
        }
        let throughput = medians(results.map(\.throughputColumns))
        let pooled = Latency.pooled(results.map(\.latency))
        print(
            String(
                format:
                    "%d hires, medians of %d runs: 1 at a time %.0f commands/s (%.2f of raw), 8 at once %.0f commands/s (%.2f of raw)",
                workers, results.count, throughput[0], throughput[4], throughput[5], throughput[9]))
        print(
            String(
                format:
                    "%d terminations: journaled to acknowledged p50 %.1f ms, p99 %.1f ms, max %.1f ms; raw PATCH p50 %.1f ms",
                pooled.total.count, pooled.p50 * 1000, pooled.p99 * 1000, pooled.max * 1000, pooled.rawP50 * 1000))
        if let report { try write(results, into: report) }
    }

    /// Deliveries timed together: how long, the commands carried out, the requests the server
    /// logged, and the CPU the server and this process spent meanwhile.
    struct Delivery {
        var seconds = 0.0
        var commands = 0
        var requests = 0
        var serverCPU = 0.0
        var rosterCPU = 0.0

        var commandsPerSecond: Double { Double(commands) / seconds }
        var requestsPerSecond: Double { Double(requests) / seconds }
        /// CPU milliseconds a request cost the server, and this process (Roster, or the bare client).
        var serverMilliseconds: Double { serverCPU * 1000 / Double(requests) }
        var rosterMilliseconds: Double { rosterCPU * 1000 / Double(requests) }

        static func + (lhs: Delivery, rhs: Delivery) -> Delivery {
            Delivery(
                seconds: lhs.seconds + rhs.seconds, commands: lhs.commands + rhs.commands,
                requests: lhs.requests + rhs.requests,
                serverCPU: lhs.serverCPU + rhs.serverCPU, rosterCPU: lhs.rosterCPU + rhs.rosterCPU)
        }
    }

    /// Terminations, each from its append's return to the sync's return, with its parts and the
    /// raw PATCH timed before it; every list sorted, in seconds.
    struct Latency {
        var total: [Double]
        /// Catching up with the termination, reading the outbox and journaling the round about to
        /// be sent, until the PATCH went.
        var before: [Double]
        /// The PATCH, sent by the connector.
        var request: [Double]
        /// Journaling the answer, folding it, and finding the outbox empty.
        var after: [Double]
        var raw: [Double]
        /// A catch-up of the projection store with nothing new to fold (a termination's sync makes
        /// three), and the same for a store of ``Plan/largeWorkforce`` workers.
        var catchUp: [Double]
        var largeCatchUp: [Double] = []

        var p50: Double { percentile(total, 50) }
        var p99: Double { percentile(total, 99) }
        var max: Double { total.last ?? 0 }
        var rawP50: Double { percentile(raw, 50) }
        var rawP99: Double { percentile(raw, 99) }
        var ratio: Double { p50 / rawP50 }

        /// The latency table's figures, in its order, in milliseconds but for the count and the ratio.
        var columns: [Double] {
            [
                Double(total.count), p50 * 1000, p99 * 1000, max * 1000, percentile(before, 50) * 1000,
                percentile(request, 50) * 1000,
                percentile(after, 50) * 1000, percentile(catchUp, 50) * 1000, percentile(largeCatchUp, 50) * 1000,
                rawP50 * 1000,
                rawP99 * 1000, ratio,
            ]
        }

        static func pooled(_ runs: [Latency]) -> Latency {
            Latency(
                total: runs.flatMap(\.total).sorted(), before: runs.flatMap(\.before).sorted(),
                request: runs.flatMap(\.request).sorted(),
                after: runs.flatMap(\.after).sorted(), raw: runs.flatMap(\.raw).sorted(),
                catchUp: runs.flatMap(\.catchUp).sorted(),
                largeCatchUp: runs.flatMap(\.largeCatchUp).sorted())
        }
    }

    struct Figures {
        var sequential = Delivery()
        var rawSequential = Delivery()
        var concurrent = Delivery()
        var rawConcurrent = Delivery()
        var latency: Latency

        /// The throughput table's figures, in its order: commands/s and requests/s of the sync
        /// and the raw requests one at a time, their ratio; the same eight at once; the speed-up;
        /// CPU ms a request: the server's, one at a time, sync and raw; server and client, for the
        /// sync and the raw requests eight at once.
        var throughputColumns: [Double] {
            let (one, rawOne, eight, rawEight) = (sequential, rawSequential, concurrent, rawConcurrent)
            return [
                one.commandsPerSecond, one.requestsPerSecond, rawOne.commandsPerSecond, rawOne.requestsPerSecond,
                one.commandsPerSecond / rawOne.commandsPerSecond, eight.commandsPerSecond, eight.requestsPerSecond,
                rawEight.commandsPerSecond,
                rawEight.requestsPerSecond, eight.commandsPerSecond / rawEight.commandsPerSecond,
                eight.commandsPerSecond / one.commandsPerSecond,
                one.serverMilliseconds, rawOne.serverMilliseconds, eight.serverMilliseconds, eight.rosterMilliseconds,
                rawEight.serverMilliseconds, rawEight.rosterMilliseconds,
            ]
        }
    }

    /// Employees hired long ago (so active at once), full time, with generated names, titles,
    /// departments and offices.
    static func hires(_ count: Int) -> [Worker] {
        var random = SplitMix64(seed: 23)
        func ascii(_ text: String) -> String {
            String(
                text.folding(options: .diacriticInsensitive, locale: nil).lowercased().unicodeScalars.filter {
                    ("a"..."z").contains($0)
                })
        }
        return (1...count).map { index in
            let first = Names.first[random.index(Names.first.count)]
            let last = Names.last[random.index(Names.last.count)]
            let department = Names.departments[random.index(Names.departments.count)]
            let location = Names.locations[random.index(Names.locations.count)]
            return Worker(
                id: EmployeeID(rawValue: String(format: "E%06d", index)),
                email: "\(ascii(first)).\(ascii(last)).\(index)@example.com",
                legalFirstName: first, legalLastName: last, jobTitle: Names.titles[random.index(Names.titles.count)],
                departmentCode: department.code, departmentName: department.name, location: location.code,
                timeZone: location.zone,
                costCenter: "CC-\(1000 + random.index(20))", employmentType: .fullTime, status: .active,
                hireDate: LocalDate(year: 2020, month: 1, day: 6)!)
        }
    }

    /// `worker.hired.v1` for each of `hires`, effective on their hire date, as a feed journals them.
    static func hireEvents(_ hires: [Worker]) throws -> [ProposedEvent] {
        try hires.map { worker in
            ProposedEvent(
                subject: worker.id.rawValue, type: WorkerEvent.hired(worker).type,
                payload: try WorkerEvent.hired(worker).payload(),
                effectiveAt: worker.hireDate!.start(in: Zones.namedOrUTC(worker.timeZone)),
                metadata: EventMetadata(source: "hris"))
        }
    }

    /// Full timers in scope; each in a department group and an office group; no courses, so a
    /// hire is exactly three commands (create, two memberships).
    static let rules = RuleSet(
        version: String(repeating: "e", count: 64), text: "(provisioning benchmark rules)",
        scope: Scope(include: [WorkerCondition(.employmentType, .oneOf(["full_time"]))]),
        groups: [
            GroupMapping(
                id: "departments", attribute: .field(.departmentName),
                table: Dictionary(uniqueKeysWithValues: Names.departments.map { ($0.name, "Dept: \($0.name)") })),
            GroupMapping(
                id: "locations", attribute: .field(.location), table: [:], unmapped: .useValue, prefix: "Office "),
        ])

    func write(_ results: [Figures], into path: String) throws {
        func throughputRow(_ label: String, _ c: [Double]) -> String {
            String(
                format:
                    "| %@ | %.0f (%.0f) | %.0f (%.0f) | **%.2f** | %.0f (%.0f) | %.0f (%.0f) | **%.2f** | %.2f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |",
                label, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14],
                c[15], c[16])
        }
        func latencyRow(_ label: String, _ c: [Double]) -> String {
            String(
                format:
                    "| %@ | %.0f | %.1f | %.1f | %.1f | %.1f / %.1f / %.1f | %.1f / %.1f | %.1f | %.1f | **%.2f** |",
                label, c[0], c[1], c[2], c[3],
                c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11])
        }
        let first = results[0]
        let command =
            "roster-bench provisioning --workers \(workers) --terminations \(terminations) --runs \(results.count)"
        var lines = [
            "; \(workers) hires, \(first.sequential.commands) commands and \(first.sequential.requests) requests a sync (in rounds of "
                + "\(Plan.hiresPerRound)); \(max(workers, terminations)) workers when the terminations start; URLSession opens at most "
                + "\(URLSession.scim.configuration.httpMaximumConnectionsPerHost) connections to a host. A median row is each column's median.",
            "",
            "Commands/s (requests/s):",
            "",
            "| run | sync, 1 worker at a time | raw, 1 hire at a time | sync / raw | sync, 8 workers at once | raw, 8 hires at once | sync / raw | sync 8 / sync 1 | server CPU ms a request: sync 1 / raw 1 | server / client CPU ms a request: sync 8 | raw 8 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for (index, figures) in results.enumerated() {
            lines.append(throughputRow("\(index + 1)", figures.throughputColumns))
        }
        if results.count > 1 { lines.append(throughputRow("median", medians(results.map(\.throughputColumns)))) }
        lines += [
            "",
            "A termination, from its append's return to the sync's return with the LMS's answer journaled (ms):",
            "",
            "| run | terminations | p50 | p99 | max | p50 of the parts: before the PATCH / PATCH / after | an idle catch-up, p50: these workers / \(Plan.largeWorkforce.formatted()) | baseline: raw PATCH p50 | raw PATCH p99 | p50 / raw p50 |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for (index, figures) in results.enumerated() {
            lines.append(latencyRow("\(index + 1)", figures.latency.columns))
        }
        if results.count > 1 {
            lines.append(latencyRow("median", medians(results.map(\.latency.columns))))
            lines.append(latencyRow("all runs", Latency.pooled(results.map(\.latency)).columns))
        }
        try ReportFile.write(lines, name: "provisioning", command: command, into: path)
    }
}

/// What one run does, with everything it needs copied out of the command (which is not `Sendable`).
private struct Plan: Sendable {
    /// The workforce of a second store, with no LMS, whose idle catch-up shows how a sync's
    /// fixed cost grows with the workforce.
    static let largeWorkforce = 10_000

    /// Hires delivered per sync; the baseline's blocks alternate with the syncs at this grain, so
    /// that both meet the same machine load.
    static let hiresPerRound = 50

    let executable: String
    /// Hires timed; `hires` may hold more, for the terminations.
    let workers: Int
    let hires: [Worker]
    let terminations: Int

    func measure(run: Int) async throws -> ProvisioningBench.Figures {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "roster-bench-provisioning-\(getpid())-\(run)"
        ).path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let one = try await Site.open(executable: executable, concurrency: 1, directory: scratch + "/one-at-a-time")
        defer { one.server.stop() }
        let eight = try await Site.open(executable: executable, concurrency: 8, directory: scratch + "/eight-at-once")
        defer { eight.server.stop() }

        var figures = ProvisioningBench.Figures(latency: .pooled([]))
        for (round, start) in stride(from: 0, to: workers, by: Self.hiresPerRound).enumerated() {
            let chunk = Array(hires[start..<min(workers, start + Self.hiresPerRound)])
            // Which goes first alternates, so neither always follows the other.
            if round % 2 == 0 {
                figures.sequential = figures.sequential + (try await one.sync(chunk))
                figures.rawSequential = figures.rawSequential + (try await one.rawHires(chunk))
                figures.concurrent = figures.concurrent + (try await eight.sync(chunk))
                figures.rawConcurrent = figures.rawConcurrent + (try await eight.rawHires(chunk))
            } else {
                figures.rawSequential = figures.rawSequential + (try await one.rawHires(chunk))
                figures.sequential = figures.sequential + (try await one.sync(chunk))
                figures.rawConcurrent = figures.rawConcurrent + (try await eight.rawHires(chunk))
                figures.concurrent = figures.concurrent + (try await eight.sync(chunk))
            }
        }
        one.server.stop()
        if hires.count > workers { _ = try await eight.sync(Array(hires[workers...])) }
        figures.latency = try await eight.terminate(Array(hires.prefix(terminations)))
        figures.latency.largeCatchUp = try await idleCatchUps(
            workers: Self.largeWorkforce, directory: scratch + "/large")
        return figures
    }
}

extension Plan {
    /// Idle catch-ups of a store that has folded `workers` hires (not timed), each timed.
    func idleCatchUps(workers: Int, directory: String) async throws -> [Double] {
        let journal = try Journal(path: directory + "/journal", createIfMissing: true)
        let store = try ProjectionStore(root: directory + "/projections", rules: ProvisioningBench.rules)
        try await journal.append(try ProvisioningBench.hireEvents(ProvisioningBench.hires(workers)))
        try fold(store, journal)
        let clock = ContinuousClock()
        var timings: [Double] = []
        for _ in 0..<5 {
            let start = clock.now
            try fold(store, journal)
            timings.append((clock.now - start).seconds)
        }
        return timings
    }
}

/// A scim2-server and what provisions it: a journal, its projection store and a provisioner,
/// and, for the baseline, the same requests sent raw.
private struct Site: Sendable {
    let server: ScimServer
    let journal: Journal
    let store: ProjectionStore
    let provisioner: Provisioner
    let marks: DeliveryMarks
    let concurrency: Int
    /// The baseline's own groups, found or made on first use as the connector does, and its own
    /// user for raw PATCHes (made before any timing), apart from what Roster provisions.
    let rawGroups: RawGroups
    let rawUser: String

    static func open(executable: String, concurrency: Int, directory: String) async throws -> Site {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = try await ScimServer.start(executable, log: directory + "/scim-server.log")
        let client = server.client()
        guard
            let rawUser = try await client.createUser(
                SCIMUser(externalId: "baseline", userName: "baseline@example.com")
            ).id
        else {
            throw ValidationError("scim2-server created the baseline's user without an id")
        }
        let journal = try Journal(path: directory + "/journal", createIfMissing: true)
        let store = try ProjectionStore(root: directory + "/projections", rules: ProvisioningBench.rules)
        let marks = DeliveryMarks()
        let connector = TimedConnector(connector: SCIMConnector(client: client, concurrency: concurrency), marks: marks)
        return Site(
            server: server, journal: journal, store: store,
            provisioner: Provisioner(journal: journal, store: store, connector: connector, policy: DeliveryPolicy()),
            marks: marks,
            concurrency: concurrency, rawGroups: RawGroups(), rawUser: rawUser)
    }

    /// Journals `hires` and times the one sync that delivers them.
    func sync(_ hires: [Worker]) async throws -> ProvisioningBench.Delivery {
        try await journal.append(try ProvisioningBench.hireEvents(hires))
        // Folded before the clock starts, as the daemon folds at ingest: the sync is delivery alone.
        try fold(store, journal)
        let (delivery, summary) = try await server.measure(commands: hires.count * 3) { try await provisioner.sync() }
        guard summary.acknowledged == hires.count * 3, summary.failed == 0, summary.waiting == 0, summary.dead == 0
        else {
            throw ValidationError(
                "a sync of \(hires.count) hires acknowledged \(summary.acknowledged) commands of \(hires.count * 3); \(summary.failed) failed, "
                    + "\(summary.waiting) wait: \(summary.deliveries.compactMap(\.failure).prefix(3).map(\.error))")
        }
        return delivery
    }

    /// The baseline for `hires`: for each, the five requests the connector sends (a GET by
    /// `externalId`, a GET by `userName`, a POST, a PATCH of each of two groups), sent by
    /// SCIMClient alone, `concurrency` hires at once, each hire's requests in order. A group's
    /// first use costs a GET and a POST, as in the connector, sent before the hires that need it.
    func rawHires(_ hires: [Worker]) async throws -> ProvisioningBench.Delivery {
        let client = server.client()
        let concurrency = self.concurrency
        let directory = self.rawGroups
        let (delivery, _) = try await server.measure(commands: hires.count * 3) {
            let newGroups = Set(hires.flatMap(RawGroups.names)).filter { directory[$0] == nil }.sorted()
            try await forEach(newGroups, atOnce: concurrency) { name in
                if let found = try await client.findGroup(displayName: name) {
                    directory[name] = found.id
                } else {
                    directory[name] = try await client.createGroup(displayName: name).id
                }
            }
            let rawGroups = directory.all
            try await forEach(hires, atOnce: concurrency) { worker in
                let externalID = "raw-" + worker.id.rawValue
                let userName = "raw." + (worker.email ?? worker.id.rawValue)
                guard try await client.findUser(externalId: externalID) == nil,
                    try await client.findUser(userName: userName) == nil
                else {
                    throw ValidationError("the baseline's \(externalID) is on the server already")
                }
                let created = try await client.createUser(
                    SCIMUser(
                        externalId: externalID, userName: userName,
                        name: SCIMUser.Name(givenName: worker.legalFirstName, familyName: worker.legalLastName),
                        displayName: "\(worker.legalFirstName) \(worker.legalLastName)", title: worker.jobTitle,
                        emails: [SCIMUser.Email(value: userName)], active: true,
                        enterprise: EnterpriseUser(
                            employeeNumber: externalID, costCenter: worker.costCenter, department: worker.departmentName
                        )))
                for name in RawGroups.names(of: worker) {
                    try await client.patchGroupMembers(id: rawGroups[name]!, add: [created.id!])
                }
            }
        }
        return delivery
    }

    /// Journals the termination of each of `workers`, one at a time, and times the sync that
    /// follows each; a raw PATCH of the same shape to the baseline's user is timed before each.
    func terminate(_ workers: [Worker]) async throws -> ProvisioningBench.Latency {
        let client = server.client()
        let clock = ContinuousClock()
        var latency = ProvisioningBench.Latency.pooled([])
        for worker in workers {
            var start = clock.now
            try await client.patchUser(id: rawUser, operations: [.replace("active", .bool(false))])
            latency.raw.append((clock.now - start).seconds)

            let event = WorkerEvent.terminated(
                date: LocalDate.at(.now(), in: Zones.namedOrUTC(worker.timeZone)), previousStatus: .active)
            try await journal.append([
                ProposedEvent(
                    subject: worker.id.rawValue, type: event.type, payload: try event.payload(),
                    metadata: EventMetadata(source: "hris"))
            ])
            start = clock.now
            let summary = try await provisioner.sync()
            let end = clock.now
            guard summary.deliveries.count == 1, let delivery = summary.deliveries.first,
                delivery.command.action == .deactivate,
                case .acknowledged = delivery.outcome, let sent = marks.last, sent.start > start
            else {
                throw ValidationError(
                    "the sync after \(worker.id)'s termination delivered \(summary.deliveries.map { "\($0.command.id): \($0.outcome)" })"
                )
            }
            latency.total.append((end - start).seconds)
            latency.before.append((sent.start - start).seconds)
            latency.request.append((sent.end - sent.start).seconds)
            latency.after.append((end - sent.end).seconds)
        }
        for _ in 0..<20 {
            let start = clock.now
            try fold(store, journal)
            latency.catchUp.append((clock.now - start).seconds)
        }
        // Every terminated worker is inactive on the server, and nobody else but the baseline's user.
        let inactive = Set(try await client.listUsers().filter { $0.active == false }.compactMap(\.externalId))
        let expected = Set(workers.map(\.id.rawValue) + ["baseline"])
        guard inactive == expected else {
            throw ValidationError(
                "after \(workers.count) terminations the server holds \(inactive.count) inactive users, not \(expected.count)"
            )
        }
        return .pooled([latency])
    }
}

/// The baseline's groups' server IDs by display name, kept from one round to the next.
private final class RawGroups: Sendable {
    private let ids = Mutex<[String: String]>([:])

    /// The baseline's counterparts of the two groups the rules put `worker` in.
    static func names(of worker: Worker) -> [String] {
        ["Raw dept: \(worker.departmentName ?? "")", "Raw office \(worker.location ?? "")"]
    }

    subscript(name: String) -> String? {
        get { ids.withLock { $0[name] } }
        set { ids.withLock { $0[name] = newValue } }
    }

    var all: [String: String] { ids.withLock { $0 } }
}

/// Folds the journal into the store: synchronous, so kept out of the async code that calls it.
private func fold(_ store: ProjectionStore, _ journal: Journal) throws {
    _ = try store.catchUp(journal)
}

/// The SCIM connector, with the moments each delivery started and ended noted, so that a
/// termination's latency splits into what came before the PATCH, the PATCH, and what came after.
private struct TimedConnector: LMSConnector {
    let connector: SCIMConnector
    let marks: DeliveryMarks
    var target: String { connector.target }

    func deliver(_ commands: [LMSCommand]) async -> [DeliveryOutcome] {
        let start = ContinuousClock.now
        let outcomes = await connector.deliver(commands)
        marks.note(start: start, end: .now)
        return outcomes
    }
}

/// The last delivery's start and end, shared between the connector and the bench.
private final class DeliveryMarks: Sendable {
    private let marks = Mutex<(start: ContinuousClock.Instant, end: ContinuousClock.Instant)?>(nil)

    func note(start: ContinuousClock.Instant, end: ContinuousClock.Instant) {
        marks.withLock { $0 = (start, end) }
    }

    var last: (start: ContinuousClock.Instant, end: ContinuousClock.Instant)? { marks.withLock { $0 } }
}

/// Runs `body` for each of `items`, at most `atOnce` at a time, as the connector delivers workers.
private func forEach<Item: Sendable>(
    _ items: [Item], atOnce: Int, _ body: @escaping @Sendable (Item) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, item) in items.enumerated() {
            if index >= atOnce { _ = try await group.next() }
            group.addTask { try await body(item) }
        }
        try await group.waitForAll()
    }
}

/// Each column's median over `rows` (all of one length).
private func medians(_ rows: [[Double]]) -> [Double] {
    rows[0].indices.map { column in percentile(rows.map { $0[column] }.sorted(), 50) }
}

/// The percentile `p` of `sorted` (the nearest rank below), 0 when it is empty.
private func percentile(_ sorted: [Double], _ p: Int) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * p / 100)]
}

/// Runs `work` to its end from synchronous code, blocking this thread meanwhile. `roster-bench`'s
/// root command is synchronous like the other benches, and ArgumentParser refuses an async
/// subcommand under a synchronous root; the main thread is not one of the pool's, so blocking it
/// takes no thread from the work.
func waitFor<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = OutcomeBox<Value>()
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        do { outcome.set(.success(try await work())) } catch { outcome.set(.failure(error)) }
        finished.signal()
    }
    finished.wait()
    return try outcome.get()
}

/// Where the detached work leaves its result for the blocked thread.
private final class OutcomeBox<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)

    func set(_ value: Result<Value, any Error>) { result.withLock { $0 = value } }

    func get() throws -> Value { try result.withLock { $0 }!.get() }
}

/// scim2-server as a child process on a free loopback port, its log (one line per request) in a
/// file the bench counts requests from.
///
/// The child is started with posix_spawn and a cleared signal mask: Foundation's `Process` would
/// hand it this process's mask, and a child that blocks SIGINT can only be killed.
final class ScimServer: Sendable {
    let pid: pid_t
    let port: UInt16
    let logPath: String
    let bearerToken: String
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t, port: UInt16, logPath: String, bearerToken: String) {
        self.pid = pid
        self.port = port
        self.logPath = logPath
        self.bearerToken = bearerToken
    }

    /// Starts the server and returns once it answers an authenticated request; throws, with the
    /// server's output, when it exits first or has not answered within `timeout`.
    static func start(_ executable: String, log logPath: String, timeout: Duration = .seconds(60)) async throws
        -> ScimServer
    {
        let port = try freePort()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let token = "roster-bench-\(UInt64.random(in: 0...UInt64.max))"
        let arguments = [executable, "--hostname", "127.0.0.1", "--port", "\(port)", "--bearer-token", token]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw ValidationError("could not start \(executable): \(String(cString: strerror(status)))")
        }
        let server = ScimServer(pid: pid, port: port, logPath: logPath, bearerToken: token)

        let probe = server.client(timeout: .seconds(2))
        let deadline = ContinuousClock.now + timeout
        while (try? await probe.serviceProviderConfiguration()) == nil {
            if let status = server.status {
                throw ValidationError(
                    "scim2-server exited with status \(status) before answering: \(server.log().suffix(2000))")
            }
            guard ContinuousClock.now < deadline else {
                server.stop()
                throw ValidationError(
                    "scim2-server did not answer on port \(port) within \(timeout): \(server.log().suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return server
    }

    /// A client for this server. The timeout is generous: a slow answer is a figure, not a failure.
    func client(timeout: Duration = .seconds(30)) -> SCIMClient {
        SCIMClient(baseURL: URL(string: "http://127.0.0.1:\(port)/v2")!, bearerToken: bearerToken, timeout: timeout)
    }

    /// Runs `work` and returns how long it took, the requests the server logged meanwhile, and the
    /// CPU the server and this process spent.
    func measure<Value>(commands: Int, _ work: () async throws -> Value) async throws -> (
        ProvisioningBench.Delivery, Value
    ) {
        let requests = requestCount()
        let serverCPU = cpuSeconds()
        let rosterCPU = ownCPUSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await work()
        let elapsed = clock.now - start
        var delivery = ProvisioningBench.Delivery(
            seconds: elapsed.seconds, commands: commands, serverCPU: cpuSeconds() - serverCPU,
            rosterCPU: ownCPUSeconds() - rosterCPU)
        delivery.requests = try await settledRequestCount() - requests
        return (delivery, value)
    }

    /// What the server has written: its start line, then one line per request.
    func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The requests the server has logged so far.
    func requestCount() -> Int {
        log().split(separator: "\n").count { line in
            ["\"GET ", "\"POST ", "\"PATCH ", "\"PUT ", "\"DELETE "].contains { line.contains($0) }
        }
    }

    /// The request count once it stops moving: the server logs a request after sending its answer,
    /// so the last few lines may trail the client by a moment.
    func settledRequestCount() async throws -> Int {
        var count = requestCount()
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            let again = requestCount()
            if again == count { break }
            count = again
        }
        return count
    }

    /// User and system CPU seconds the server has spent, from /proc (all its threads).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state, then 10 fields, then utime and stime in clock ticks.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The child's exit status (or 128 + the signal that ended it), nil while it runs. Reaps it.
    var status: Int32? {
        exitStatus.withLock { exitStatus in
            if exitStatus == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    let signal = raw & 0x7F
                    exitStatus = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
                }
            }
            return exitStatus
        }
    }

    /// SIGINT, as the server expects, then SIGKILL if it has not exited within five seconds.
    /// Blocks until it has exited; calling it again does nothing.
    func stop() {
        guard status == nil else { return }
        kill(pid, SIGINT)
        let deadline = ContinuousClock.now + .seconds(5)
        while status == nil, ContinuousClock.now < deadline { usleep(5_000) }
        guard status == nil else { return }
        kill(pid, SIGKILL)
        while status == nil { usleep(1_000) }
    }

    deinit { stop() }

    /// A loopback port nobody listens on now: bound to port 0, read back, released.
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else {
            throw ValidationError("no socket for a free port: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            throw ValidationError("could not bind a loopback port: \(String(cString: strerror(errno)))")
        }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// User and system CPU seconds this process has spent, on all its threads.
private func ownCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
