import Foundation
import Inbox
import Testing

/// Claiming, archiving, rejecting and recovering files, on real directories.
struct ClaimingTests {
    @Test func aClaimMovesTheFileIntoProcessingUnderAStampedName() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("workers.csv", "employee_id\n42\n")
        let ready = try #require(try folder.scan().first)

        let claimed = try #require(try folder.claim(ready))
        #expect(claimed.originalName == "workers.csv")
        #expect(claimed.name.hasSuffix("Z-workers.csv") && claimed.name.count == 24 + "workers.csv".count)
        #expect(claimed.path == folder.processingPath + "/" + claimed.name)
        #expect(try inbox.text(at: claimed.path) == "employee_id\n42\n")
        #expect(try folder.scan().isEmpty)
        #expect(try folder.claim(ready) == nil, "already claimed")
    }

    @Test func ofTwoDropFoldersClaimingTheSameFileExactlyOneWins() throws {
        let inbox = ScratchInbox()
        let first = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        let second = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("workers.csv")
        let seenByFirst = try #require(try first.scan().first)
        let seenBySecond = try #require(try second.scan().first)

        let claims = [try first.claim(seenByFirst), try second.claim(seenBySecond)]
        #expect(claims.compactMap { $0 }.count == 1)
        #expect(try inbox.names(in: "processing").count == 1)
    }

    @Test func racingClaimersTakeEveryFileExactlyOnce() async throws {
        let inbox = ScratchInbox()
        for index in 0..<200 { try inbox.write("feed-\(index).csv", "row \(index)\n") }
        let folders = try (0..<4).map { _ in try DropFolder(path: inbox.path, rule: .renamedIntoPlace) }

        let claimedNames = try await withThrowingTaskGroup(of: [String].self) { group in
            for folder in folders {
                group.addTask {
                    // Each claimer works through the whole listing, as racing daemons would.
                    try folder.scan().compactMap { try folder.claim($0)?.originalName }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimedNames.count == 200)
        #expect(Set(claimedNames).count == 200)
        #expect(try inbox.names(in: "processing").count == 200)
    }

    @Test func archiveKeepsEveryUploadOfTheSameName() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        for day in ["monday", "tuesday"] {
            try inbox.write("workers.csv", "\(day)\n")
            let claimed = try folder.claimOldest()
            try folder.archive(claimed)
            #expect(!FileManager.default.fileExists(atPath: claimed.path))
        }
        let archived = try inbox.names(in: "archive")
        #expect(archived.count == 2)
        #expect(archived.allSatisfy { $0.hasSuffix("Z-workers.csv") })
        let texts = try archived.map { try inbox.text(at: folder.archivePath + "/" + $0) }
        #expect(texts == ["monday\n", "tuesday\n"])
        #expect(try inbox.names(in: "processing").isEmpty)
    }

    @Test func archiveDoesNotOverwriteAFileAlreadyThere() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("workers.csv", "new\n")
        let claimed = try folder.claimOldest()
        try inbox.write("archive/" + claimed.name, "old\n")

        try folder.archive(claimed)
        let archived = try inbox.names(in: "archive")
        #expect(archived.count == 2)
        let texts = Set(try archived.map { try inbox.text(at: folder.archivePath + "/" + $0) })
        #expect(texts == ["old\n", "new\n"])
    }

    @Test func rejectWritesTheReasonBesideTheFile() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("workers.csv", "not,a,roster\n")
        let claimed = try folder.claimOldest()

        try folder.reject(claimed, reason: "missing columns: employee_id, email (line 1)")
        #expect(try inbox.names(in: "rejected") == [claimed.name, claimed.name + ".reason.txt"])
        #expect(try inbox.text(at: folder.rejectedPath + "/" + claimed.name) == "not,a,roster\n")
        #expect(
            try inbox.text(at: folder.rejectedPath + "/" + claimed.name + ".reason.txt")
                == "missing columns: employee_id, email (line 1)\n")
        #expect(try inbox.names(in: "processing").isEmpty)
        #expect(try folder.scan().isEmpty, "reason files are not feed files")
    }

    @Test func filesLeftInProcessingByACrashAreFoundOnTheNextStart() throws {
        let inbox = ScratchInbox()
        try inbox.write("workers.csv", "one\n")
        try inbox.write("leavers.csv", "two\n")
        do {
            // The process that crashes: claims both, archives neither.
            let crashed = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
            for ready in try crashed.scan() { _ = try crashed.claim(ready) }
        }
        let restarted = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        #expect(try restarted.scan().isEmpty)
        let abandoned = try restarted.abandoned()
        #expect(Set(abandoned.map(\.originalName)) == ["workers.csv", "leavers.csv"])

        for file in abandoned { try restarted.archive(file) }
        #expect(try restarted.abandoned().isEmpty)
        #expect(try inbox.names(in: "archive").count == 2)
    }

    @Test func aFilePutIntoProcessingByHandKeepsItsName() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("processing/retry-me.csv")
        #expect(try folder.abandoned().map(\.originalName) == ["retry-me.csv"])
    }
}

extension DropFolder {
    /// Claims the oldest complete file, failing the test when there is none or it is lost.
    func claimOldest(sourceLocation: SourceLocation = #_sourceLocation) throws -> ClaimedFile {
        let ready = try #require(try scan().first, sourceLocation: sourceLocation)
        return try #require(try claim(ready), sourceLocation: sourceLocation)
    }
}
