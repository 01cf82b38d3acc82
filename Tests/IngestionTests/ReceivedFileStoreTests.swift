import Dispatch
import Foundation
import Ingestion
import JournalTestSupport
import Testing

/// Received files kept byte for byte under their SHA-256.
@Suite struct ReceivedFileStoreTests {
    let directory = TestDirectory()

    @Test func theSameContentKeptManyTimesAtOnceIsKeptOnceAndEveryKeepSucceeds() throws {
        // A webhook delivered again before the first delivery is answered: both keep the same bytes.
        let store = ReceivedFileStore(directory: directory.child("received"))
        let bytes = Array(String(repeating: "employee_id,first_name\nE1,Ada\n", count: 2000).utf8)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 32) { _ in
            do {
                _ = try store.keep(bytes)
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let digest = try store.keep(bytes)
        #expect(try store.bytes(of: digest) == bytes)
        // One file, and no temporary left behind.
        let folder = directory.child("received") + "/" + digest.prefix(2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [digest])
    }

    /// Errors from several threads.
    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []
        func add(_ message: String) { lock.withLock { messages.append(message) } }
        var all: [String] { lock.withLock { messages } }
    }
}
