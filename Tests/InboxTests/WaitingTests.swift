import Foundation
import Inbox
import Testing

/// `wait(timeout:)` wakes on something landing in the inbox, and on nothing else.
struct WaitingTests {
    @Test func aFileMovedInWakesTheWait() async throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        let outside = ScratchInbox("outside")
        let upload = try outside.write("workers.csv")

        let started = ContinuousClock.now
        async let wake = folder.wait(timeout: .seconds(30))
        try FileManager.default.moveItem(atPath: upload, toPath: inbox.path + "/workers.csv")
        #expect(await wake == .landed)
        // Well before the 30 s timeout, even on a machine whose few threads are busy with other tests.
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test func aFileWrittenInTheInboxWakesTheWait() async throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .sizeStable(.seconds(1)))
        async let wake = folder.wait(timeout: .seconds(30))
        try inbox.write("workers.csv")
        #expect(await wake == .landed)
    }

    @Test func somethingThatLandedBetweenWaitsIsNotMissed() async throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        try inbox.write("workers.csv")
        #expect(await folder.wait(timeout: .seconds(30)) == .landed)
    }

    @Test func aQuietInboxTimesOut() async throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        let started = ContinuousClock.now
        #expect(await folder.wait(timeout: .milliseconds(50)) == .timedOut)
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }

    @Test func theDropFoldersOwnMovesDoNotWakeIt() async throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .doneMarker)
        try inbox.write("a.csv")
        try inbox.write("a.csv.done", "")
        try inbox.write("b.csv")
        try inbox.write("b.csv.done", "")
        #expect(await folder.wait(timeout: .seconds(30)) == .landed)

        try folder.archive(try folder.claimOldest())
        try folder.reject(try folder.claimOldest(), reason: "bad header")
        #expect(await folder.wait(timeout: .milliseconds(50)) == .timedOut)
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async throws {
        let inbox = ScratchInbox()
        let folder = try DropFolder(path: inbox.path, rule: .renamedIntoPlace)
        let started = ContinuousClock.now
        let waiting = Task { await folder.wait(timeout: .seconds(30)) }
        waiting.cancel()
        #expect(await waiting.value == .cancelled)
        // Well before the 30 s timeout, even on a machine whose few threads are busy with other tests.
        #expect(ContinuousClock.now - started < .seconds(25))
    }
}
