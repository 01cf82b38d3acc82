import Digest

/// The writer's cache of each subject's version and last position: an open-addressing table
/// keyed by a hash computed while the batch is prepared, so the write transaction spends one
/// probe per event instead of hashing strings.
///
/// - Important: Writer only, under the writer lock. It mirrors the `subjects` database as
///   committed; an append that fails must call ``removeAll()``.
struct SubjectHeadTable {
    struct Slot {
        /// The subject's hash, never 0; 0 marks an empty slot.
        var hash: UInt64 = 0
        var subject: String = ""
        var head = SubjectHead(version: 0, last: 0, stamp: 0)
    }

    private var slots: [Slot]
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        slots = [Slot](repeating: Slot(), count: capacity)
    }

    /// The hash the table is keyed by: ``TableHash`` of the subject's UTF-8, never 0.
    static func hash(_ subject: UnsafeRawBufferPointer) -> UInt64 {
        let hash = TableHash.of(subject)
        return hash == 0 ? 1 : hash
    }

    /// The slot of `subject`, or where it would go.
    func find(_ subject: String, hash: UInt64) -> (index: Int, found: Bool) {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let stored = slots[index].hash
                if stored == 0 { return (index, false) }
                if stored == hash, slots[index].subject == subject { return (index, true) }
                index = (index + 1) & mask
            }
        }
    }

    /// The head in the slot `find` returned as found.
    func head(at index: Int) -> SubjectHead {
        slots.withUnsafeBufferPointer { $0[index].head }
    }

    /// Stores `head` in the slot `find` returned; a new subject may grow the table, after which
    /// earlier slot indices are stale.
    mutating func set(_ head: SubjectHead, for subject: String, hash: UInt64, at index: Int, found: Bool) {
        if found {
            slots[index].head = head
            return
        }
        slots[index] = Slot(hash: hash, subject: subject, head: head)
        count += 1
        if count * 2 > slots.count { grow() }
    }

    mutating func removeAll() {
        if count == 0 { return }
        slots = [Slot](repeating: Slot(), count: 1 << 16)
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.hash != 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].hash != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
