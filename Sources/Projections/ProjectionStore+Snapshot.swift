import ByteCoding
import Foundation
import Journal
import Rules
import Synchronization
import ZstdKit

/// Snapshots of the whole state, and the as-of queries they serve.
///
/// A snapshot is stored as a header (its format, position, clock, the batches' feeds and the
/// snapshot it is based on, if any), then every worker's record, in the state's order (first
/// seen, for a state folded from the journal), in frames of ``recordsPerFrame`` records
/// compressed one by one (zstd level 1: snapshots are written as often as the journal grows). A
/// frame is compressed against the same frame of the snapshot before it (its base) where there is
/// one: workers keep their places, and most of a worker's record is what it was, so the frame is
/// a fifth of the size and takes about a third less work to make. Every ``snapshotChain``-th
/// snapshot stands alone, so a restore decompresses at most that many frames for each of its
/// own; so does the first a process writes, and the next after one it found already stored (which
/// it keeps: the same state, perhaps in another order, and later snapshots may rest on its bytes).
///
/// A restore shares the frames out among the cores: each core decompresses a frame's chain, base
/// first, into buffers of its own (about a megabyte each, not the sixty of a whole snapshot of
/// 110,000 workers) and decodes the records straight into their places in the state, so nothing
/// is copied after.
extension ProjectionStore {
    /// Records in one frame of a snapshot: about half a megabyte decompressed.
    static let recordsPerFrame = 2048
    /// Snapshots in a chain of bases, the first standing alone.
    static let snapshotChain = 4

    /// A snapshot as a catch-up takes it: the records are the state's kept encodings (shared,
    /// not copied), framed and compressed by ``stored(against:)`` on the writer's thread. (Or
    /// the stored records, when a write makes the snapshot a marker stood for.)
    struct Snapshot: Sendable {
        var position: JournalPosition
        var clock: Timestamp
        var batchFeeds: [String: String]
        /// Every worker's record, in the order first seen.
        var records: [[UInt8]]

        init(of state: inout DesiredState) {
            position = state.position
            clock = state.clock
            batchFeeds = state.batchFeeds
            records = state.allEncodings()
        }

        init(position: JournalPosition, clock: Timestamp, batchFeeds: [String: String], records: [[UInt8]]) {
            self.position = position
            self.clock = clock
            self.batchFeeds = batchFeeds
            self.records = records
        }

        /// The stored form: the header, the frames' table (records, decompressed and compressed
        /// sizes, whether compressed against the base's frame), then the frames. With `base`
        /// (the snapshot written before this one, decompressed), frames are compressed against
        /// its frames, unless its chain is full. Returns the decompressed frames too: the base of
        /// the next.
        func stored(against base: Plain? = nil) throws -> (bytes: [UInt8], plain: Plain) {
            let base = base.flatMap { $0.position < position && $0.depth + 1 < ProjectionStore.snapshotChain ? $0 : nil }
            let firsts = Array(stride(from: 0, to: records.count, by: ProjectionStore.recordsPerFrame))
            // Frames are compressed apart, so the cores share them out (while a write that
            // makes a snapshot from the records waits for it, nothing else runs).
            var made = [Result<CompressedFrame, any Error>?](repeating: nil, count: firsts.count)
            let next = Atomic(0)
            made.withUnsafeMutableBufferPointer { made in
                nonisolated(unsafe) let made = made
                let threads = min(firsts.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
                DispatchQueue.concurrentPerform(iterations: threads) { _ in
                    let compressor = Result { try Compressor(level: 1) }
                    while true {
                        let index = next.add(1, ordering: .relaxed).oldValue
                        guard index < firsts.count else { return }
                        let frame = records[firsts[index]..<min(records.count, firsts[index] + ProjectionStore.recordsPerFrame)]
                        // The base's frame of the same workers, if there is one.
                        let against = base.flatMap { index < $0.frames.count ? $0.frames[index] : nil }
                        made[index] = Result { try Self.compress(frame, against: against, with: compressor.get()) }
                    }
                }
            }
            var table = ByteWriter(capacity: 64)
            var frames: [CompressedFrame] = []
            frames.reserveCapacity(made.count)
            for result in made { frames.append(try result!.get()) }
            for (first, frame) in zip(firsts, frames) {
                table.varint(UInt64(min(records.count, first + ProjectionStore.recordsPerFrame) - first))
                table.varint(UInt64(frame.plain.count))
                table.varint(UInt64(frame.bytes.count))
                table.u8(frame.delta ? 1 : 0)
            }
            // The base is named only when a frame was compressed against it.
            let used = frames.contains(where: \.delta) ? base : nil
            var result = ByteWriter(capacity: table.bytes.count + frames.reduce(256) { $0 + $1.bytes.count })
            result.u8(formatVersion)
            result.u64(position.rawValue)
            result.i64(clock.rawValue)
            result.stringMap(batchFeeds)
            result.u64(used?.position.rawValue ?? 0)
            result.varint(UInt64(records.count))
            result.varint(UInt64(frames.count))
            result.raw(table.bytes)
            for frame in frames { result.raw(frame.bytes) }
            return (result.bytes, Plain(position: position, depth: used.map { $0.depth + 1 } ?? 0, frames: frames.map(\.plain)))
        }

        /// One frame as stored, and its records as written (the base of the same frame of the next snapshot).
        struct CompressedFrame: Sendable {
            var bytes: [UInt8]
            var plain: ArraySlice<UInt8>
            /// Compressed against the base's frame.
            var delta: Bool
        }

        /// `frame`'s records compressed, against `against` (the base's same frame) when it and
        /// the frame fit zstd's window together.
        static func compress(_ frame: ArraySlice<[UInt8]>, against: ArraySlice<UInt8>?, with compressor: Compressor) throws -> CompressedFrame {
            let size = frame.reduce(0) { $0 + $1.count + 3 }
            let against = against.flatMap { $0.count + size <= Compressor.maximumPrefixed ? $0 : nil }
            // The frame is written straight after a copy of its base: zstd finds matches in a
            // prefix that ends where its input starts as in one text, a fifth fewer
            // instructions than in a prefix elsewhere (its "external dictionary" path).
            var plain = ByteWriter(capacity: (against?.count ?? 0) + size)
            if let against { plain.bytes.append(contentsOf: against) }
            let start = plain.bytes.count
            for record in frame {
                plain.varint(UInt64(record.count))
                plain.raw(record)
            }
            let compressed: [UInt8] = try plain.bytes.withUnsafeBytes { joined in
                let input = UnsafeRawBufferPointer(rebasing: joined[start...])
                return try [UInt8](unsafeUninitializedCapacity: Compressor.bound(input.count)) { output, count in
                    let output = UnsafeMutableRawBufferPointer(output)
                    if against != nil {
                        count = try compressor.compress(input, into: output, prefix: UnsafeRawBufferPointer(rebasing: joined[..<start]))
                    } else {
                        count = try compressor.compress(input, into: output, dictionary: nil)
                    }
                }
            }
            return CompressedFrame(bytes: compressed, plain: plain.bytes[start...], delta: against != nil)
        }

        /// A stored snapshot's frames decompressed: the base of the next snapshot written.
        struct Plain: Sendable {
            var position: JournalPosition
            /// Bases before it in its chain (0: it stands alone).
            var depth: Int
            /// Each frame's records, after the copy of its base it was written behind (kept
            /// with it: copying them out would cost what writing them there saved).
            var frames: [ArraySlice<UInt8>]
        }
    }

    /// A stored snapshot read: its header and where its frames are.
    struct StoredSnapshot {
        var position: JournalPosition
        var clock: Timestamp
        var batchFeeds: [String: String]
        /// The snapshot whose frames some of its frames were compressed against.
        var base: JournalPosition?
        var count: Int
        var frames: [Frame]

        /// Reads the header of `buffer`, checking its counts and sizes against the buffer.
        init(_ buffer: UnsafeRawBufferPointer) throws {
            let damaged = ProjectionStore.damagedSnapshot
            var reader = ByteReader(buffer)
            guard try reader.u8() == formatVersion else {
                throw StoreError(description: "a snapshot has an unknown format; rebuild the projection")
            }
            position = JournalPosition(try reader.u64())
            clock = Timestamp(rawValue: try reader.i64())
            batchFeeds = try reader.stringMap()
            let base = try reader.u64()
            // A base comes before its snapshot: a chain of them ends.
            guard base < position.rawValue else { throw damaged }
            self.base = base == 0 ? nil : JournalPosition(base)
            // Counts are checked against the snapshot's size before they size anything: damage throws.
            let count = try reader.varint()
            let frameCount = try reader.varint()
            guard count <= UInt64(buffer.count), frameCount <= UInt64(buffer.count) else { throw damaged }
            var frames: [Frame] = []
            frames.reserveCapacity(Int(frameCount))
            var first = 0
            var offset = 0
            for _ in 0..<frameCount {
                let (records, plainSize, compressedSize) = (try reader.varint(), try reader.varint(), try reader.varint())
                let delta = try reader.u8()
                guard records <= plainSize, plainSize <= UInt64(Int32.max), compressedSize <= UInt64(buffer.count), delta <= 1 else { throw damaged }
                guard delta == 0 || base != 0 else { throw damaged }
                let bytes = offset..<offset + Int(compressedSize)
                frames.append(Frame(first: first, records: Int(records), plainSize: Int(plainSize), bytes: bytes, delta: delta == 1))
                first += Int(records)
                offset += Int(compressedSize)
            }
            guard first == Int(count), reader.offset + offset == buffer.count else { throw damaged }
            let start = reader.offset
            self.frames = frames.map { frame in
                var frame = frame
                frame.bytes = start + frame.bytes.lowerBound..<start + frame.bytes.upperBound
                return frame
            }
            self.count = first
        }
    }

    /// Where one frame of a stored snapshot is, and what it holds.
    struct Frame {
        /// The index of its first record among all of them.
        var first: Int
        var records: Int
        var plainSize: Int
        var bytes: Range<Int>
        /// Compressed against the same frame of the snapshot's base.
        var delta: Bool
    }

    /// A snapshot taken by a save, at the position the save leaves the store: the records it
    /// writes are that state, so it stores a marker, not a copy of them. The next write that
    /// changes the records first makes the snapshot from them, compressed, in place of the
    /// marker (``recordsSnapshot(at:)``). A rebuild for rules adopted now so writes its one
    /// snapshot without compressing every worker again; a daemon's save crossing an interval
    /// boundary leaves the work to its next save.
    ///
    /// The marker: a tag (never a format version), the position and the clock.
    enum RecordsSnapshot {
        static let tag: UInt8 = 0xFF

        static func marker(position: JournalPosition, clock: Timestamp) -> [UInt8] {
            var writer = ByteWriter(capacity: 17)
            writer.u8(tag)
            writer.u64(position.rawValue)
            writer.i64(clock.rawValue)
            return writer.bytes
        }

        /// The position a stored snapshot's marker names; nil for a snapshot of its own frames.
        static func position(of value: UnsafeRawBufferPointer) throws -> JournalPosition? {
            guard value.first == tag else { return nil }
            var reader = ByteReader(value)
            _ = try reader.u8()
            let position = JournalPosition(try reader.u64())
            _ = try reader.i64()
            guard reader.offset == value.count else { throw damagedSnapshot }
            return position
        }
    }

    /// The stored bytes of the snapshot at `position` made from the store's records, when a
    /// marker stands there (see ``RecordsSnapshot``): what a write that changes the records
    /// puts in its place first. Nil when there is none.
    func recordsSnapshot(at position: JournalPosition) throws -> [UInt8]? {
        guard position != .start else { return nil }
        let snapshot: Snapshot? = try environment.read { txn in
            let key = position.rawValue.bigEndianBytes
            guard let value = try key.withUnsafeBytes({ try txn.value(snapshots, key: $0) }), let marked = try RecordsSnapshot.position(of: value)
            else { return nil }
            // The records are the snapshot only while the checkpoint is where the marker says.
            guard marked == position, let checkpoint = try storedCheckpoint(in: txn), checkpoint.position == position else {
                throw Self.damagedSnapshot
            }
            return Snapshot(
                position: position, clock: checkpoint.clock, batchFeeds: try batchFeeds(in: txn), records: try storedRecords(in: txn).map(\.value))
        }
        return try snapshot?.stored().bytes
    }

    /// The state from the latest snapshot at or before `position`, or nil when there is none.
    public func snapshot(atOrBefore position: JournalPosition) throws -> DesiredState? {
        enum Found {
            case chain(SnapshotChain)
            /// A marker at this position (``RecordsSnapshot``).
            case marker(JournalPosition)
            case records(DesiredState)
        }
        // The snapshot and the bases its frames were compressed against, copied out of one read
        // transaction into one buffer; or, for a marker, the records it stands for.
        let found: Found? = try environment.read { txn in
            let chain = try txn.withCursor(snapshots) { cursor -> Found? in
                guard let found = try cursor.seek(atOrBefore: position.rawValue.bigEndianBytes) else { return nil }
                if let marked = try RecordsSnapshot.position(of: found.value) {
                    guard found.key.elementsEqual(marked.rawValue.bigEndianBytes) else { throw Self.damagedSnapshot }
                    return .marker(marked)
                }
                var links = [(found.value, try StoredSnapshot(found.value))]
                while let base = links[links.count - 1].1.base {
                    guard let value = try cursor.seek(atOrBefore: base.rawValue.bigEndianBytes), value.key.elementsEqual(base.rawValue.bigEndianBytes) else {
                        throw Self.damagedSnapshot
                    }
                    links.append((value.value, try StoredSnapshot(value.value)))
                }
                return .chain(SnapshotChain(copying: links))
            }
            guard case .marker(let marked) = chain else { return chain }
            // The marker stands for the records only while the checkpoint is where it says;
            // every write that moves it replaces the marker first.
            let state = try storedState(in: txn)
            guard state.position == marked else { throw Self.damagedSnapshot }
            return .records(state)
        }
        switch found {
        case nil:
            return nil
        case .marker:
            throw Self.damagedSnapshot
        case .records(let state):
            return state
        case .chain(let chain):
            defer { chain.bytes.deallocate() }
            return try Self.state(from: chain, rules: rules, references: references)
        }
    }

    /// The state from the events recorded at or before `instant`: the latest snapshot before
    /// them and the events after it (at most ``snapshotInterval``). `live` is the caught-up state,
    /// used as is when nothing was recorded after `instant`; nil for a store of rules no longer
    /// in force, caught up through the end of their time. The clock is not moved to `instant`.
    public func state(asOf instant: Timestamp, journal: Journal, live: DesiredState?) throws -> DesiredState {
        let position = try journal.read { try $0.position(recordedAtOrBefore: instant) }
        if let live, position >= live.position { return live }
        var state = try snapshot(atOrBefore: position) ?? DesiredState(rules: rules)
        try state.fold(journal, through: position)
        return state
    }

    static let damagedSnapshot = StoreError(description: "a snapshot of the projection is damaged; rebuild the projection")

    /// A snapshot and its bases, newest first: their headers, and their stored bytes in one buffer.
    struct SnapshotChain {
        let bytes: UnsafeMutableRawBufferPointer
        /// Where each snapshot is in ``bytes``.
        let ranges: [Range<Int>]
        /// Each snapshot's header, read once.
        let snapshots: [StoredSnapshot]

        /// Copies the snapshots' bytes out (of a read transaction that ends). The caller
        /// deallocates ``bytes``.
        init(copying links: [(bytes: UnsafeRawBufferPointer, snapshot: StoredSnapshot)]) {
            let values = links.map(\.bytes)
            snapshots = links.map(\.snapshot)
            bytes = .allocate(byteCount: max(1, values.reduce(0) { $0 + $1.count }), alignment: 16)
            var ranges: [Range<Int>] = []
            var offset = 0
            for value in values {
                if let source = value.baseAddress { (bytes.baseAddress! + offset).copyMemory(from: source, byteCount: value.count) }
                ranges.append(offset..<offset + value.count)
                offset += value.count
            }
            self.ranges = ranges
        }

        func snapshot(_ index: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[ranges[index]])
        }
    }

    /// The state in one snapshot that stands alone (no base).
    static func state(fromSnapshot buffer: UnsafeRawBufferPointer, rules: RuleSet) throws -> DesiredState {
        let chain = SnapshotChain(copying: [(buffer, try StoredSnapshot(buffer))])
        defer { chain.bytes.deallocate() }
        return try state(from: chain, rules: rules, references: RecordReferences(rules))
    }

    /// The state in the first snapshot of `chain`, whose frames may be compressed against its
    /// base's, the second, and so on.
    static func state(from chain: SnapshotChain, rules: RuleSet, references: RecordReferences) throws -> DesiredState {
        let snapshots = chain.snapshots
        for (snapshot, base) in zip(snapshots, snapshots.dropFirst()) where snapshot.base != base.position { throw damagedSnapshot }
        guard snapshots[snapshots.count - 1].base == nil else { throw damagedSnapshot }
        let head = snapshots[0]
        // Room for the workers hired after the snapshot: growing the array would move them all.
        let projections = try [WorkerProjection](unsafeUninitializedCapacity: head.count + head.count / 8) { output, initialized in
            try decode(snapshots, of: chain, into: output, references: references)
            initialized = head.count
        }
        var state = DesiredState(rules: rules)
        state.batchFeeds = head.batchFeeds
        state.restore(contentsOf: consume projections)
        state.restoreCheckpoint(position: head.position, clock: head.clock)
        state.markLoaded()
        return state
    }

    /// Decodes every frame of the first of `snapshots` into its records' places in `output`,
    /// frames taken in turn by as many threads as there are cores; a frame compressed against
    /// its base's is decompressed after it, down the chain. On a failure nothing is left
    /// initialized, and the error of the first frame that failed is thrown.
    static func decode(
        _ snapshots: [StoredSnapshot], of chain: SnapshotChain, into output: UnsafeMutableBufferPointer<WorkerProjection>, references: RecordReferences
    ) throws {
        let frames = snapshots[0].frames
        var failures = [(any Error)?](repeating: nil, count: frames.count)
        let next = Atomic(0)
        failures.withUnsafeMutableBufferPointer { failures in
            nonisolated(unsafe) let failures = failures
            nonisolated(unsafe) let output = output
            nonisolated(unsafe) let chain = chain
            let threads = min(frames.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
            let plainSize = snapshots.flatMap { $0.frames.map(\.plainSize) }.max() ?? 0
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                // Two buffers: a frame's base decompressed, and the frame.
                var plain = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, plainSize), alignment: 16)
                var base = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, plainSize), alignment: 16)
                defer {
                    plain.deallocate()
                    base.deallocate()
                }
                let decompressor = Result { try Decompressor() }
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < frames.count else { return }
                    do {
                        // The frame and the frames it was compressed against, newest first.
                        var links = [(snapshot: 0, frame: frames[index])]
                        while links[links.count - 1].frame.delta {
                            let snapshot = links[links.count - 1].snapshot + 1
                            guard snapshot < snapshots.count, index < snapshots[snapshot].frames.count else { throw damagedSnapshot }
                            links.append((snapshot, snapshots[snapshot].frames[index]))
                        }
                        var decompressed = 0
                        for link in links.reversed() {
                            swap(&plain, &base)
                            let bytes = UnsafeMutableRawBufferPointer(rebasing: plain[0..<link.frame.plainSize])
                            let compressed = UnsafeRawBufferPointer(rebasing: chain.snapshot(link.snapshot)[link.frame.bytes])
                            if link.frame.delta {
                                try decompressor.get().decompress(compressed, into: bytes, prefix: UnsafeRawBufferPointer(rebasing: base[0..<decompressed]))
                            } else {
                                try decompressor.get().decompress(compressed, into: bytes, dictionary: nil)
                            }
                            decompressed = link.frame.plainSize
                        }
                        try decode(frames[index], from: UnsafeRawBufferPointer(rebasing: plain[0..<decompressed]), into: output, references: references)
                    } catch let error as StoreError {
                        failures[index] = error
                    } catch {
                        failures[index] = StoreError(description: "a snapshot of the projection is damaged (frame \(index): \(error)); rebuild the projection")
                    }
                }
            }
        }
        guard let failed = failures.firstIndex(where: { $0 != nil }) else { return }
        for (frame, failure) in zip(frames, failures) where failure == nil {
            (output.baseAddress! + frame.first).deinitialize(count: frame.records)
        }
        throw failures[failed]!
    }

    /// Decodes one decompressed frame into `output`; on a failure, none of its records is left
    /// initialized.
    static func decode(
        _ frame: Frame, from plain: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<WorkerProjection>, references: RecordReferences
    ) throws {
        var reader = ByteReader(plain)
        var decoded = 0
        do {
            while decoded < frame.records {
                let count = try reader.varint()
                guard count <= UInt64(reader.remaining) else { throw ByteReader.Truncated() }
                let record = try reader.bytes(Int(count))
                (output.baseAddress! + frame.first + decoded).initialize(to: try WorkerProjection(decoding: record, references: references))
                decoded += 1
            }
            guard reader.remaining == 0 else { throw ByteReader.Truncated() }
        } catch {
            (output.baseAddress! + frame.first).deinitialize(count: decoded)
            throw error
        }
    }
}
