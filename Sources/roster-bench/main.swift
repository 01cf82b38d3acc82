import ArgumentParser

/// `roster-bench`: Roster's benchmarks, each beside a baseline measured in the same run.
struct RosterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster-bench",
        abstract: "Measure Roster against baselines taken in the same run; write the figures into docs/benchmarks.md.",
        subcommands: [IngestBench.self, ProjectionBench.self, ProvisioningBench.self, ServeBench.self, IntakeBench.self],
        defaultSubcommand: IngestBench.self
    )
}

RosterBench.main()
