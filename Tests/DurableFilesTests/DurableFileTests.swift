import DurableFiles
import Foundation
import Testing

/// Files written whole or not at all, on a real file system.
@Suite final class DurableFileTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "durable-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func aReplacedFileHoldsTheNewBytesAndNoTemporaryFileIsLeft() throws {
        let path = directory + "/reason.txt"
        try DurableFile.replace(path, with: Array("first\n".utf8), permissions: 0o640)
        try DurableFile.replace(path, with: Array("second, longer\n".utf8), permissions: 0o640)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second, longer\n")
        #expect(try names() == ["reason.txt"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func manyWritersOfOnePathAtOnceLeaveOneWholeCopy() async throws {
        let path = directory + "/same"
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { try DurableFile.replace(path, with: bytes, permissions: 0o600) } }
            try await group.waitForAll()
        }
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        #expect(try names() == ["same"])
    }

    @Test func aFailureSaysWhatWhereAndWhyAndLeavesNothing() throws {
        let missing = directory + "/no-such-folder/file"
        #expect {
            try DurableFile.replace(missing, with: [1, 2, 3], permissions: 0o600)
        } throws: { error in
            guard let failure = error as? DurableFile.Failure else { return false }
            return failure.errorNumber == ENOENT && failure.path.hasPrefix(missing) && failure.description.contains("cannot create")
        }
        #expect(try names().isEmpty)
    }

    @Test func aFileWrittenInPlaceIsSyncedWhole() throws {
        let path = directory + "/export.csv"
        try DurableFile.writeSynced(Array("a,b\n1,2\n".utf8), to: path, permissions: 0o640)
        try DurableFile.writeSynced(Array("a\n".utf8), to: path, permissions: 0o640)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\n")
        try DurableFile.syncDirectory(directory)
        #expect(throws: DurableFile.Failure.self) { try DurableFile.syncDirectory(path) }
    }
}
