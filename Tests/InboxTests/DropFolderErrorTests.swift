import Foundation
import Inbox
import Testing

/// Opening an inbox that cannot be used fails with an error that names the path and the remedy.
struct DropFolderErrorTests {
    @Test func aMissingInboxIsNotFound() throws {
        let inbox = ScratchInbox()
        let missing = inbox.path + "/no-such-inbox"
        let error = try #require(throws: InboxError.self) { try DropFolder(path: missing, rule: .renamedIntoPlace) }
        #expect(error.code == .notFound)
        #expect(error.path == missing)
        #expect(error.message.contains(missing) && error.message.contains("create it"))
        #expect(!FileManager.default.fileExists(atPath: missing), "an inbox is never created, only its subfolders")
    }

    @Test func aFileIsNotAnInbox() throws {
        let inbox = ScratchInbox()
        let file = try inbox.write("workers.csv")
        let error = try #require(throws: InboxError.self) { try DropFolder(path: file, rule: .renamedIntoPlace) }
        #expect(error.code == .notADirectory)
        #expect(error.message.contains(file))
    }

    @Test func aFileWhereASubfolderBelongsIsReported() throws {
        let inbox = ScratchInbox()
        try inbox.write("archive", "not a folder")
        let error = try #require(throws: InboxError.self) { try DropFolder(path: inbox.path, rule: .doneMarker) }
        #expect(error.code == .notADirectory)
        #expect(error.path == inbox.path + "/archive")
        #expect(error.message.contains("move it out of the inbox"))
    }

    @Test func missingSubfoldersAreCreated() throws {
        let inbox = ScratchInbox()
        _ = try DropFolder(path: inbox.path + "/", rule: .renamedIntoPlace)
        #expect(try inbox.names() == ["archive", "processing", "rejected"])
    }

    @Test(.enabled(if: UnwritableDirectory.isPossible, "needs chattr (as root) or a non-root user"))
    func anInboxThatCannotBeWrittenIsReported() throws {
        let inbox = ScratchInbox()
        let locked = try UnwritableDirectory(inbox.path + "/locked")
        defer { locked.release() }
        let error = try #require(throws: InboxError.self) { try DropFolder(path: locked.path, rule: .renamedIntoPlace) }
        #expect(error.code == .permissionDenied)
        #expect(error.message.contains(locked.path) && error.message.contains("write access"))
    }
}
