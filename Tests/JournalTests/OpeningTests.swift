import Foundation
import Journal
import JournalTestSupport
import LMDBKit
import Testing

/// Opening a journal: what is created, and the clear errors that change nothing.
@Suite struct OpeningTests {
    let directory = TestDirectory()

    func contents(_ path: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            files[name] = FileManager.default.contents(atPath: path + "/" + name)
        }
        return files
    }

    @Test func aNewJournalIsOwnerOnly() throws {
        let path = directory.child("journal")
        let journal = try Journal(path: path, createIfMissing: true)
        try journal.append([TestEvents.one("E1")])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        for file in ["data.mdb", "lock.mdb", "writer.lock"] {
            let mode = try FileManager.default.attributesOfItem(atPath: path + "/" + file)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(file)")
        }
    }

    @Test func aMissingDirectoryIsReportedAndNotCreated() throws {
        let path = directory.child("nowhere/journal")
        let error = #expect(throws: JournalError.self) { try Journal(path: path) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains(path) == true)
        #expect(!FileManager.default.fileExists(atPath: path))
        let readOnly = #expect(throws: JournalError.self) { try Journal.openReadOnly(path: path) }
        #expect(readOnly?.code == .notFound)
    }

    @Test func anEmptyDirectoryIsNotAJournalUnlessAskedToCreateOne() throws {
        let path = directory.child("empty")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = #expect(throws: JournalError.self) { try Journal(path: path) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("holds no data.mdb") == true)
        #expect(contents(path).keys.sorted() == ["writer.lock"] || contents(path).isEmpty)
    }

    @Test func anUncreatableDirectoryIsAPermissionError() throws {
        // /proc refuses new directories even to root, so this holds wherever the tests run.
        let error = #expect(throws: JournalError.self) { try Journal(path: "/proc/roster-journal-test/journal", createIfMissing: true) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("/proc/roster-journal-test/journal") == true)
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv to run the opener as another user"))
    func aJournalThisUserCannotWriteIsRefusedWithNothingChanged() throws {
        let path = directory.child("journal")
        do {
            let journal = try Journal(path: path, createIfMissing: true)
            try journal.append(TestEvents.batch(2))
        }
        // Readable by everyone, writable only by its owner (root); opened by nobody.
        let parent = URL(fileURLWithPath: directory.path).deletingLastPathComponent().path
        for file in [path, directory.path, parent] { chmod(file, 0o755) }
        let before = contents(path)
        // The build folder may not be reachable by nobody (a clone under /root): run a copy from here.
        let child = directory.child("journal-test-child")
        try FileManager.default.copyItem(atPath: BuiltProducts.executable("journal-test-child"), toPath: child)
        chmod(child, 0o755)
        let opener = try runCommand("/usr/bin/setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", child, "open", path,
        ])
        #expect(opener.standardOutput.hasPrefix("error permission-denied:"), "\(opener.standardOutput)\(opener.standardError)")
        #expect(opener.standardOutput.contains("\(path) is not writable by this user"))
        #expect(contents(path) == before)
    }

    @Test func aFileWhereTheDirectoryShouldBeIsRefused() throws {
        let path = directory.child("file")
        _ = FileManager.default.createFile(atPath: path, contents: Data("not a journal".utf8))
        let error = #expect(throws: JournalError.self) { try Journal(path: path) }
        #expect(error?.code == .notAJournal)
        #expect(FileManager.default.contents(atPath: path) == Data("not a journal".utf8))
    }

    @Test func anUnknownFormatVersionIsRefusedWithNothingChanged() throws {
        let path = directory.child("journal")
        do {
            let journal = try Journal(path: path, createIfMissing: true)
            try journal.append(TestEvents.batch(3))
        }
        // Rewrite the format version as a future release would.
        do {
            var configuration = Environment.Configuration(path: path)
            configuration.databases = ["meta"]
            let environment = try Environment(configuration)
            let meta = environment.database("meta")
            try environment.write { try $0.put(meta, key: Array("format-version".utf8), value: [0, 0, 0, 9]) }
        }
        let before = contents(path)["data.mdb"]
        for open in [{ try Journal(path: path) }, { try Journal.openReadOnly(path: path) }] {
            let error = #expect(throws: JournalError.self) { _ = try open() }
            #expect(error?.code == .unsupportedFormat)
            #expect(error?.message.contains("format version 9") == true)
        }
        #expect(contents(path)["data.mdb"] == before)
    }

    @Test func anLMDBEnvironmentThatIsNotAJournalIsRefused() throws {
        let path = directory.child("other")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        do {
            var configuration = Environment.Configuration(path: path)
            configuration.databases = ["things"]
            _ = try Environment(configuration)
        }
        let error = #expect(throws: JournalError.self) { try Journal(path: path) }
        #expect(error?.code == .notAJournal)
    }

    @Test func aSecondWriterProcessIsRefusedWhileReadersAreWelcome() throws {
        let path = directory.child("journal")
        do {
            let journal = try Journal(path: path, createIfMissing: true)
            try journal.append(TestEvents.batch(2))
        }
        let holder = try ChildProcess(BuiltProducts.executable("journal-test-child"), ["hold-writer", path])
        _ = try holder.readLine(until: { $0.hasPrefix("ready") })
        let error = #expect(throws: JournalError.self) { try Journal(path: path) }
        #expect(error?.code == .locked)
        #expect(error?.message.contains("pid \(holder.pid)") == true)
        let reader = try Journal.openReadOnly(path: path)
        #expect(reader.head == JournalPosition(2))
        holder.closeInput()
        #expect(holder.wait() == 0)
        // Once the holder is gone, the journal opens for writing again.
        let writer = try Journal(path: path)
        #expect(try writer.append([TestEvents.one("E1")]).first == JournalPosition(3))
    }

    @Test func readerSlotsOfAKilledProcessAreClearedAtOpen() throws {
        let path = directory.child("journal")
        do {
            let journal = try Journal(path: path, createIfMissing: true)
            try journal.append(TestEvents.batch(2))
        }
        // A writer keeps the environment open, so its reader table outlives the killed reader
        // (the first process to open an environment resets the table anyway).
        let writer = try ChildProcess(BuiltProducts.executable("journal-test-child"), ["hold-writer", path])
        _ = try writer.readLine(until: { $0.hasPrefix("ready") })
        let reader = try ChildProcess(BuiltProducts.executable("journal-test-child"), ["hold-reader", path])
        _ = try reader.readLine(until: { $0.hasPrefix("ready") })
        reader.kill()
        let journal = try Journal.openReadOnly(path: path)
        #expect(journal.staleReadersClearedAtOpen == 1)
        #expect(journal.head == JournalPosition(2))
        writer.closeInput()
        #expect(writer.wait() == 0)
    }

    @Test func theMapGrowsAsTheJournalDoes() throws {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.initialMapSize = 128 << 10
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: false)
        let journal = try Journal(configuration)
        for batch in 0..<40 {
            try journal.append(TestEvents.batch(250, batch: "batch-\(batch)", subjects: 400))
        }
        #expect(journal.head == JournalPosition(10_000))
        #expect(try journal.verify().isSound)
    }

    @Test func readOnlyJournalsRefuseToAppend() throws {
        let path = directory.child("journal")
        _ = try Journal(path: path, createIfMissing: true)
        let reader = try Journal.openReadOnly(path: path)
        let error = #expect(throws: JournalError.self) { try reader.append([TestEvents.one("E1")]) }
        #expect(error?.code == .readOnly)
    }
}
