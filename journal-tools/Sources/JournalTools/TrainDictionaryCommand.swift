import ArgumentParser
import Journal

/// `roster-journal train-dictionary`.
struct TrainDictionaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-dictionary",
        abstract: "Train a new zstd dictionary from recent events; later appends use it.",
        discussion: "Needs the writer lock: stop the daemon first. Older dictionaries stay, so every event stays readable."
    )

    @OptionGroup var options: JournalOption

    func run() throws {
        let info = try reportingErrors {
            try Journal(path: options.journal).trainDictionary()
        }
        print("dictionary \(info.id) trained from \(info.sampleCount) events: \(info.size) bytes, sha256 \(info.checksum.hex); later appends use it")
    }
}
