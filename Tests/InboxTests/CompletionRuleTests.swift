import Foundation
import Inbox
import Testing

/// Which files each completion rule reports as complete, on real directories.
struct CompletionRuleTests {
    @Test func renamedIntoPlaceTakesFinalNamesAndIgnoresTemporaryOnes() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        for name in ["workers.csv.part", "workers.csv.tmp", "workers.csv.filepart", ".workers.csv", "x.CSV.PART"] {
            try inbox.write(name)
        }
        #expect(try folder.scan().isEmpty)

        try FileManager.default.moveItem(atPath: inbox.path + "/workers.csv.part", toPath: inbox.path + "/workers.csv")
        #expect(try folder.scan().map(\.name) == ["workers.csv"])
    }

    @Test func doneMarkerWaitsForTheMarker() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .doneMarker)
        try inbox.write("workers.csv")
        try inbox.write("leavers.csv")
        #expect(try folder.scan().isEmpty)

        try inbox.write("workers.csv.done", "")
        try inbox.write("leavers.csv.ok", "")
        let ready = try folder.scan()
        #expect(Set(ready.map(\.name)) == ["workers.csv", "leavers.csv"])
        #expect(ready.first { $0.name == "workers.csv" }?.markers == [inbox.path + "/workers.csv.done"])
    }

    @Test func aClaimConsumesTheMarker() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .doneMarker)
        try inbox.write("workers.csv")
        try inbox.write("workers.csv.done", "")
        let ready = try #require(try folder.scan().first)

        _ = try #require(try folder.claim(ready))
        #expect(try inbox.names() == ["archive", "processing", "rejected"])

        // The next upload under the same name waits for its own marker.
        try inbox.write("workers.csv")
        #expect(try folder.scan().isEmpty)
    }

    @Test func sizeStableTakesAFileOnlyAfterItStoppedChangingForThePeriod() throws {
        let inbox = ScratchInbox()
        let clock = ManualClock()
        let folder = try DropFolder(path: inbox.path, rule: .sizeStable(.seconds(5)), clock: clock)
        try inbox.write("workers.csv", "employee_id\n")
        #expect(try folder.scan().isEmpty, "a file seen once is never complete")

        clock.advance(by: .seconds(3))
        #expect(try folder.scan().isEmpty)
        try inbox.append("workers.csv", "1\n")  // still being written
        clock.advance(by: .seconds(3))
        #expect(try folder.scan().isEmpty, "six seconds since first seen, but only three unchanged")

        clock.advance(by: .seconds(4))
        #expect(try folder.scan().isEmpty, "unchanged for four seconds")
        clock.advance(by: .seconds(1))
        let ready = try folder.scan()
        #expect(ready.map(\.name) == ["workers.csv"])
        #expect(ready.first?.size == 14)
    }

    @Test func sizeStableNoticesAFileReplacedBySameSizedOne() throws {
        let inbox = ScratchInbox()
        let clock = ManualClock()
        let folder = try DropFolder(path: inbox.path, rule: .sizeStable(.seconds(2)), clock: clock)
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        try inbox.write("workers.csv", "aaaa", modified: date)
        #expect(try folder.scan().isEmpty)
        try inbox.write("other", "bbbb", modified: date)
        try FileManager.default.removeItem(atPath: inbox.path + "/workers.csv")
        try FileManager.default.moveItem(atPath: inbox.path + "/other", toPath: inbox.path + "/workers.csv")
        clock.advance(by: .seconds(2))
        #expect(try folder.scan().isEmpty, "same size and time, but a new inode")
        clock.advance(by: .seconds(2))
        #expect(try folder.scan().map(\.name) == ["workers.csv"])
    }

    @Test(arguments: [CompletionRule.renamedIntoPlace, .doneMarker, .sizeStable(.zero)])
    func markersSubfoldersAndOtherEntriesAreNeverFeedFiles(rule: CompletionRule) throws {
        let inbox = ScratchInbox()
        let clock = ManualClock()
        let folder = try DropFolder(path: inbox.path, rule: rule, clock: clock)
        try inbox.write("orphan.csv.done", "")
        try inbox.write("orphan.csv.ok", "")
        try inbox.write("processing/stray.csv")
        try inbox.write("archive/old.csv")
        try FileManager.default.createDirectory(atPath: inbox.path + "/nested", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: inbox.path + "/link.csv", withDestinationPath: "/etc/passwd")
        for _ in 0..<2 {
            #expect(try folder.scan().isEmpty)
            clock.advance(by: .seconds(1))
        }
    }

    @Test func scanListsTheOldestFileFirst() throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("c.csv", modified: Date(timeIntervalSince1970: 1_700_000_300))
        try inbox.write("a.csv", modified: Date(timeIntervalSince1970: 1_700_000_200))
        try inbox.write("b.csv", modified: Date(timeIntervalSince1970: 1_700_000_100))
        #expect(try folder.scan().map(\.name) == ["b.csv", "a.csv", "c.csv"])
    }

    @Test func namesThatSayInProgress() {
        for name in ["x.part", "x.csv.tmp", "x.csv.FilePart", ".x.csv"] {
            #expect(CompletionRule.isInProgressName(name), "\(name)")
        }
        for name in ["x.csv", "part", "x.partial.csv"] {
            #expect(!CompletionRule.isInProgressName(name), "\(name)")
        }
        #expect(CompletionRule.isMarkerName("x.csv.done") && CompletionRule.isMarkerName("x.csv.OK"))
        #expect(!CompletionRule.isMarkerName("x.csv") && !CompletionRule.isMarkerName(".done"))
    }
}
