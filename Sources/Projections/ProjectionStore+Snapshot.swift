import ByteCoding
import Foundation
import Journal
import Rules
import Synchronization
import ZstdKit

/// Snapshots of the whole state, and the as-of queries they serve.
///
/// A snapshot is stored as a header (its format, position, clock and the batches' feeds), then
/// every worker's record, in the order first seen, in frames of ``recordsPerFrame`` records
/// compressed one by one (zstd level 1: snapshots are written as often as the journal grows,
/// and its ratio is close to level 3's here). A restore shares the frames out among the cores:
/// each core decompresses a frame at a time into a buffer of its own (about a megabyte, not the
/// sixty of a whole snapshot of 110,000 workers) and decodes its records straight into their
/// places in the state, so nothing is copied after.
extension ProjectionStore {
    /// Records in one frame of a snapshot: about a megabyte decompressed.
    static let recordsPerFrame = 2048

    /// A snapshot as a save takes it: the records are the state's kept encodings (shared, not
    /// copied), framed and compressed by ``stored()`` on the writer's thread.
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

        /// The stored form: the header, the frames' table (records, decompressed and compressed
        /// sizes), then the frames.
        func stored() throws -> [UInt8] {
            let compressor = try Compressor(level: 1)
            var table = ByteWriter(capacity: 64)
            var frames: [[UInt8]] = []
            for first in stride(from: 0, to: records.count, by: ProjectionStore.recordsPerFrame) {
                let frame = records[first..<min(records.count, first + ProjectionStore.recordsPerFrame)]
                var plain = ByteWriter(capacity: frame.reduce(0) { $0 + $1.count + 3 })
                for record in frame {
                    plain.varint(UInt64(record.count))
                    plain.raw(record)
                }
                frames.append(try compressor.compress(plain.bytes, dictionary: nil))
                table.varint(UInt64(frame.count))
                table.varint(UInt64(plain.bytes.count))
                table.varint(UInt64(frames[frames.count - 1].count))
            }
            var result = ByteWriter(capacity: table.bytes.count + frames.reduce(256) { $0 + $1.count })
            result.u8(formatVersion)
            result.u64(position.rawValue)
            result.i64(clock.rawValue)
            result.stringMap(batchFeeds)
            result.varint(UInt64(records.count))
            result.varint(UInt64(frames.count))
            result.raw(table.bytes)
            for frame in frames { result.raw(frame) }
            return result.bytes
        }
    }

    /// Where one frame of a stored snapshot is, and what it holds.
    struct Frame {
        /// The index of its first record among all of them.
        var first: Int
        var records: Int
        var plainSize: Int
        var bytes: Range<Int>
    }

    /// The state from the latest snapshot at or before `position`, or nil when there is none.
    public func snapshot(atOrBefore position: JournalPosition) throws -> DesiredState? {
        let bytes: [UInt8]? = try environment.read { txn in
            try txn.withCursor(snapshots) { cursor in
                try cursor.seek(atOrBefore: position.rawValue.bigEndianBytes).map { Array($0.value) }
            }
        }
        guard let bytes else { return nil }
        return try bytes.withUnsafeBytes { try Self.state(fromSnapshot: $0, rules: rules) }
    }

    /// The state from the events recorded at or before `instant`: the latest snapshot before
    /// them and the events after it (at most ``snapshotInterval``). `live` is the caught-up state,
    /// used as is when nothing was recorded after `instant`. The clock is not moved to `instant`.
    public func state(asOf instant: Timestamp, journal: Journal, live: DesiredState) throws -> DesiredState {
        let position = try journal.read { try $0.position(recordedAtOrBefore: instant) }
        guard position < live.position else { return live }
        var state = try snapshot(atOrBefore: position) ?? DesiredState(rules: rules)
        try FoldInputs.forEach(in: journal, from: state.position.next, through: position) { input in
            state.apply(input)
            return true
        }
        return state
    }

    static func state(fromSnapshot buffer: UnsafeRawBufferPointer, rules: RuleSet) throws -> DesiredState {
        let damaged = StoreError(description: "a snapshot of the projection is damaged; rebuild the projection")
        var reader = ByteReader(buffer)
        guard try reader.u8() == formatVersion else {
            throw StoreError(description: "a snapshot has an unknown format; rebuild the projection")
        }
        let position = JournalPosition(try reader.u64())
        let clock = Timestamp(rawValue: try reader.i64())
        let batchFeeds = try reader.stringMap()
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
            guard records <= plainSize, plainSize <= UInt64(Int32.max), compressedSize <= UInt64(buffer.count) else { throw damaged }
            let bytes = offset..<offset + Int(compressedSize)
            frames.append(Frame(first: first, records: Int(records), plainSize: Int(plainSize), bytes: bytes))
            first += Int(records)
            offset += Int(compressedSize)
        }
        guard first == Int(count), reader.offset + offset == buffer.count else { throw damaged }
        let start = reader.offset
        frames = frames.map { frame in
            var frame = frame
            frame.bytes = start + frame.bytes.lowerBound..<start + frame.bytes.upperBound
            return frame
        }
        // Room for the workers hired after the snapshot: growing the array would move them all.
        let projections = try [WorkerProjection](unsafeUninitializedCapacity: first + first / 8) { output, initialized in
            try decode(frames, of: buffer, into: output, references: RecordReferences(rules))
            initialized = first
        }
        var state = DesiredState(rules: rules)
        state.batchFeeds = batchFeeds
        state.restore(contentsOf: consume projections)
        state.restoreCheckpoint(position: position, clock: clock)
        state.markLoaded()
        return state
    }

    /// Decodes every frame's records into their places in `output`, frames taken in turn by as
    /// many threads as there are cores. On a failure nothing is left initialized, and the error
    /// of the first frame that failed is thrown.
    static func decode(
        _ frames: [Frame], of snapshot: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<WorkerProjection>, references: RecordReferences
    ) throws {
        var failures = [(any Error)?](repeating: nil, count: frames.count)
        let next = Atomic(0)
        failures.withUnsafeMutableBufferPointer { failures in
            nonisolated(unsafe) let failures = failures
            nonisolated(unsafe) let output = output
            nonisolated(unsafe) let snapshot = snapshot
            let threads = min(frames.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
            let plainSize = frames.map(\.plainSize).max() ?? 0
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                let plain = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, plainSize), alignment: 16)
                defer { plain.deallocate() }
                let decompressor = Result { try Decompressor() }
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < frames.count else { return }
                    let frame = frames[index]
                    do {
                        let bytes = UnsafeMutableRawBufferPointer(rebasing: plain[0..<frame.plainSize])
                        let compressed = UnsafeRawBufferPointer(rebasing: snapshot[frame.bytes])
                        try decompressor.get().decompress(compressed, into: bytes, dictionary: nil)
                        try decode(frame, from: UnsafeRawBufferPointer(bytes), into: output, references: references)
                    } catch {
                        failures[index] = error
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
