/// The names and fixed keys of the journal's databases (see docs/journal-format.md).
enum JournalSchema {
    /// The format this build writes and reads. A journal with another refuses to open.
    static let formatVersion: UInt32 = 1

    /// `u64 sequence` → event record.
    static let events = "events"
    /// `subject UTF-8` → `u32 version ‖ u64 last sequence`: each subject's head.
    static let subjects = "subjects"
    /// `recorded time (sortable u64)` → `u64 last sequence` of the append committed then.
    static let recorded = "recorded"
    /// `SHA-256(idempotency key)` → `u64 first ‖ u64 last ‖ i64 recorded time ‖ key UTF-8`.
    static let idempotency = "idempotency"
    /// `u32 dictionary id` → dictionary header and bytes.
    static let dictionaries = "dictionaries"
    /// `u32 type id` → type wire name.
    static let types = "types"
    /// Named settings: format version, journal id, active dictionary.
    static let meta = "meta"

    static let all = [events, subjects, recorded, idempotency, dictionaries, types, meta]

    enum MetaKey {
        static let format = Array("format-version".utf8)
        static let journalID = Array("journal-id".utf8)
        static let createdAt = Array("created-at".utf8)
        static let activeDictionary = Array("active-dictionary".utf8)
    }

    /// The first id the journal gives a dictionary; zstd reserves those below 32768.
    static let firstDictionaryID: UInt32 = 32768
    /// The longest subject, in UTF-8 bytes (LMDB keys are at most 511 bytes).
    static let maxSubjectBytes = 255
    /// The largest payload, in bytes.
    static let maxPayloadBytes = 16 << 20
}
