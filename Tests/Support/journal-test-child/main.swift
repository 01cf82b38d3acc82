// A child process for the journal's crash, locking and stale-reader tests.
//
//   journal-test-child append-loop DIR BATCH   append batches of BATCH events forever,
//                                               printing "committed FIRST LAST" after each
//   journal-test-child hold-writer DIR          open for writing, print "ready", wait for stdin to close
//   journal-test-child hold-reader DIR          open a read transaction, print "ready", wait for stdin to close
//   journal-test-child open DIR                 open for writing and print "opened HEAD", or the error's code and message
import Foundation
import Journal

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func waitForStandardInputToClose() {
    while FileHandle.standardInput.availableData.count > 0 {}
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: journal-test-child append-loop|hold-writer|hold-reader DIR [BATCH]") }
let directory = arguments[2]

do {
    switch arguments[1] {
    case "append-loop":
        let batchSize = arguments.count > 3 ? Int(arguments[3]) ?? 100 : 100
        var configuration = Journal.Configuration(path: directory, createIfMissing: true)
        configuration.initialMapSize = 1 << 20
        configuration.dictionaryPolicy = DictionaryPolicy(trainAfterEvents: 2_000, sampleCount: 2_000)
        let journal = try Journal(configuration)
        say("opened \(journal.head)")
        while true {
            let batch = journal.head.rawValue / UInt64(batchSize) + 1
            let events = (0..<batchSize).map { index in
                ProposedEvent(
                    subject: "E\(1000 + (Int(batch) * 7 + index) % 97)",
                    type: index == 0 ? "test.batch-started.v1" : "test.appended.v1",
                    payload: "{\"batch\":\(batch),\"index\":\(index),\"of\":\(batchSize),\"title\":\"Analyst \(index * 31 % 17)\"}",
                    metadata: EventMetadata(source: "crash-test", batch: "batch-\(batch)", origin: "event \(index)")
                )
            }
            let result = try journal.append(events, idempotencyKey: "batch-\(batch)")
            say("committed \(result.first) \(result.last)")
        }
    case "hold-writer":
        let journal = try Journal(path: directory, createIfMissing: true)
        say("ready \(journal.head)")
        waitForStandardInputToClose()
    case "open":
        do {
            let journal = try Journal(path: directory)
            say("opened \(journal.head)")
        } catch let error as JournalError {
            say("error \(error.code.rawValue): \(error.message)")
        }
    case "hold-reader":
        let journal = try Journal.openReadOnly(path: directory)
        try journal.read { snapshot in
            say("ready \(try snapshot.head)")
            waitForStandardInputToClose()
        }
    default:
        fail("unknown mode \(arguments[1])")
    }
} catch {
    fail("journal-test-child: \(error)")
}
