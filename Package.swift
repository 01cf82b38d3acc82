// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Roster",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Journal", targets: ["Journal"]),
        .library(name: "LMDBKit", targets: ["LMDBKit"]),
        .library(name: "ZstdKit", targets: ["ZstdKit"]),
        .executable(name: "roster-journal", targets: ["roster-journal"]),
        .executable(name: "roster", targets: ["roster"]),
        .executable(name: "roster-generate", targets: ["roster-generate"]),
        .executable(name: "roster-bench", targets: ["roster-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "5.0.1"),
        // The daemon: HTTP (webhooks, admin API), its service group, logs and metrics.
        .package(url: "https://github.com/swhitty/FlyingFox.git", exact: "0.27.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian, reached through pkg-config; only the bindings import them.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CCryptoDigest", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Safe bindings: no domain knowledge.
        .target(name: "LMDBKit", dependencies: ["CLMDB"]),
        .target(name: "ZstdKit", dependencies: ["CZstd"]),
        .systemLibrary(name: "CCRC32C"),
        .systemLibrary(name: "CPrefetch"),
        .target(name: "Digest", dependencies: ["CCryptoDigest", "CCRC32C"]),
        // Compact binary encodings: big-endian integers, varints, length-prefixed strings.
        .target(name: "ByteCoding"),
        // CSV as HR systems write it and LMS importers read it. No dependencies.
        .target(name: "CSV"),

        // The append-only event log. Knows nothing of HR.
        .target(
            name: "Journal",
            dependencies: [
                "LMDBKit",
                "ZstdKit",
                "Digest",
                "ByteCoding",
            ]
        ),

        // The HR domain: workers and their events. Pure: no I/O.
        .target(name: "Workforce", dependencies: ["Journal", "Digest", "CPrefetch"]),

        // HR feeds: presets, reading received files into worker records.
        .target(name: "Ingestion", dependencies: ["CSV", "Workforce", "Journal", "DurableFiles"]),

        // roster.yml: reading and checking the configuration, with line numbers in errors.
        // Rules: scope, mapping tables, assignment triggers. Pure values over workers; no I/O.
        .target(name: "Rules", dependencies: ["Workforce"]),
        // Projections: the LMS desired state folded from the journal under a rule set.
        .target(name: "Projections", dependencies: ["Rules", "Workforce", "Journal", "LMDBKit", "ZstdKit", "ByteCoding", "Digest", "CPrefetch"]),
        // SCIM 2.0 client (RFC 7643/7644) over URLSession. No package dependencies.
        // The Retry-After header, read the same way by every HTTP client.
        .target(name: "HTTPHeaderValues"),
        .target(name: "SCIM", dependencies: ["HTTPHeaderValues"]),
        // Provisioning: the outbox delivered to an LMS (CSV export, SCIM), every answer journaled.
        .target(name: "Provisioning", dependencies: ["Projections", "Workforce", "Journal", "CSV", "SCIM", "DurableFiles"]),
        // Files written whole or not at all (temporary file, sync, rename). No dependencies.
        .target(name: "DurableFiles"),
        // SFTP drop folders: a watched inbox per feed (completion rules, claim, archive, reject).
        .target(name: "Inbox", dependencies: ["DurableFiles"]),
        // The daemon: `roster serve`'s service group, admin API, logs and metrics.
        .target(
            name: "Daemon",
            dependencies: [
                "RosterKit", "Configuration", "Projections", "Provisioning", "Rules", "Inbox", "Ingestion", "HRISClients", "Workforce", "Journal",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The composition root: the journal, the configuration and the workflows the CLI and the daemon run.
        .target(name: "RosterKit", dependencies: ["Configuration", "Projections", "Provisioning", "SCIM", "Rules", "Ingestion", "Workforce", "Journal"]),
        .target(name: "Configuration", dependencies: ["Ingestion", "Rules", "Workforce", "CSV", "Digest", "Yams"]),

        // The `roster` command line: ingest, batches, approve, reject, workers, audit.
        .executableTarget(
            name: "roster",
            dependencies: [
                "RosterKit", "Daemon", "Projections", "Provisioning", "Rules", "Configuration", "Ingestion", "Workforce", "Journal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Realistic generated populations and day-to-day HR change files, for tests, benchmarks and the demo.
        .target(name: "FeedGenerator", dependencies: ["Workforce", "CSV", "Ingestion"]),
        .executableTarget(
            name: "roster-generate",
            dependencies: ["FeedGenerator", "Ingestion", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Feed benchmarks: a 100,000-worker snapshot ingested against a 100,000-worker state.
        .executableTarget(
            name: "roster-bench",
            dependencies: [
                "FeedGenerator", "Ingestion", "Projections", "Provisioning", "SCIM", "Digest", "Configuration", "Rules", "Workforce", "Journal", "CSV",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // roster-journal: verify, dump, stats, backup, train-dictionary, bench.
        .target(
            name: "JournalTools",
            dependencies: [
                "Journal",
                "LMDBKit",
                "FeedGenerator",
                "Workforce",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "journal-tools/Sources/JournalTools"
        ),
        .executableTarget(
            name: "roster-journal",
            dependencies: ["JournalTools"],
            path: "journal-tools/Sources/roster-journal"
        ),

        // A child process the crash and locking tests start and kill.
        .executableTarget(
            name: "journal-test-child",
            dependencies: ["Journal"],
            path: "Tests/Support/journal-test-child"
        ),

        // Helpers the journal's test targets share: temporary directories, child processes, clocks.
        .target(name: "JournalTestSupport", dependencies: ["Journal"], path: "Tests/Support/JournalTestSupport"),

        // HRIS clients: BambooHR's API and webhooks, generic JSON polling, the poll schedule.
        .target(name: "HRISClients", dependencies: ["Ingestion", "Digest", "Workforce", "HTTPHeaderValues"]),
        // A recorded-payload HTTP server and independent webhook signatures, for the HRIS tests.
        .target(name: "HRISTestSupport", dependencies: ["JournalTestSupport"], path: "Tests/Support/HRISTestSupport"),
        .testTarget(
            name: "HRISClientsTests",
            dependencies: ["HRISClients", "HRISTestSupport", "Ingestion", "Digest", "Workforce", "Journal", "JournalTestSupport"],
            exclude: ["Fixtures"]
        ),
        // A real scim2-server child process and a fault-injecting proxy, for the SCIM tests.
        .target(
            name: "SCIMTestSupport", dependencies: ["SCIM", "JournalTestSupport"], path: "Tests/Support/SCIMTestSupport",
            exclude: ["setup-venv.sh"]
        ),
        .testTarget(name: "SCIMTests", dependencies: ["SCIM", "SCIMTestSupport"]),
        // A throwaway OpenSSH sshd with a chrooted internal-sftp drop account, driven by the real sftp client.
        .target(name: "SFTPTestSupport", dependencies: ["JournalTestSupport"], path: "Tests/Support/SFTPTestSupport"),
        .testTarget(name: "InboxTests", dependencies: ["Inbox", "SFTPTestSupport"]),
        .testTarget(name: "LMDBKitTests", dependencies: ["LMDBKit"]),
        .testTarget(name: "ZstdKitTests", dependencies: ["ZstdKit"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles"]),
        .testTarget(name: "CSVTests", dependencies: ["CSV"]),
        .testTarget(name: "WorkforceTests", dependencies: ["Workforce", "Journal"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Workforce"]),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "Rules", "Workforce", "Journal", "LMDBKit", "ByteCoding", "JournalTestSupport", "FeedGenerator", "Ingestion"]),
        .testTarget(
            name: "ProvisioningTests",
            dependencies: ["Provisioning", "Projections", "Rules", "Workforce", "Journal", "CSV", "SCIM", "JournalTestSupport", "SCIMTestSupport"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "Ingestion", "Rules", "Workforce", "Yams"]),
        .testTarget(name: "FeedGeneratorTests", dependencies: ["FeedGenerator", "Ingestion", "Workforce", "CSV"]),
        .testTarget(
            name: "RosterTests",
            dependencies: [
                "roster", "roster-journal", "Journal", "Workforce", "SCIM", "JournalTestSupport", "SCIMTestSupport", "SFTPTestSupport",
                "HRISTestSupport", "RosterKit", "Configuration",
            ]),
        .testTarget(
            name: "IngestionTests",
            dependencies: ["Ingestion", "Workforce", "CSV", "Journal", "JournalTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "JournalTestSupport", "journal-test-child"]),
        .testTarget(
            name: "JournalToolsTests",
            dependencies: ["JournalTools", "Journal", "JournalTestSupport", "roster-journal", "journal-test-child"]
        ),
    ]
)
