/// When the journal trains its first zstd dictionary, and how.
public struct DictionaryPolicy: Sendable {
    /// Train automatically once enough events exist.
    public var automatic: Bool = true
    /// How many events must exist (counting the batch being appended) before the first training.
    public var trainAfterEvents: Int = 4096
    /// How many of the most recent event bodies to train from.
    public var sampleCount: Int = 8192
    /// The dictionary's size in bytes. 16 KiB does as well as 110 KiB on HR events.
    public var capacity: Int = 16 * 1024

    public init(automatic: Bool = true, trainAfterEvents: Int = 4096, sampleCount: Int = 8192, capacity: Int = 16 * 1024) {
        self.automatic = automatic
        self.trainAfterEvents = trainAfterEvents
        self.sampleCount = sampleCount
        self.capacity = capacity
    }
}

/// What the journal knows of one stored dictionary.
public struct DictionaryInfo: Hashable, Sendable {
    /// The id events refer to it by.
    public let id: UInt32
    /// When it was trained.
    public let createdAt: Timestamp
    /// How many samples it was trained from.
    public let sampleCount: Int
    /// Its size in bytes.
    public let size: Int
    /// SHA-256 of its bytes, checked by `verify`.
    public let checksum: EventHash
}
