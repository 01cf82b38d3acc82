import ByteCoding
import Digest
import Foundation
import ZstdKit

/// Prepares a batch for the write transaction: encodes each body, hashes it and compresses it,
/// and encodes the part of its record that does not depend on the transaction.
///
/// The batch is cut into chunks, claimed in order by a helper thread and by the appending
/// thread: while that thread waits for the writer lock (another append is committing) it
/// prepares chunks; once it holds the lock it writes chunk *k* while the helper prepares later
/// ones, and prepares chunks itself when it catches up. So both cores work for the whole append,
/// and one append's preparation overlaps another's commit.
final class PreparePipeline: @unchecked Sendable {
    /// The prepared events of one chunk: their tails back to back, and per event its flags,
    /// content digest and where its tail ends.
    final class Chunk {
        var tails = ByteWriter(capacity: 128 * 1024)
        var ends: [Int] = []
        var subjectHashes: [UInt64] = []
        var flags: [UInt8] = []
        var digests: [SHA256Digest] = []
    }

    static let chunkSize = 512

    /// Where helpers run: a queue of its own, so a helper gets a thread even when the global
    /// pool's threads are all busy appending (the global pool is as wide as the core count).
    static let helpers = DispatchQueue(label: "roster.journal.prepare", qos: .userInitiated, attributes: .concurrent)

    let events: [ProposedEvent]
    let shared: EventMetadata
    let dictionary: CompressionDictionary?
    let compressors: CompressorPool
    let chunkCount: Int
    private var chunks: [Chunk?]
    private let condition = NSCondition()
    private var claimed = 0

    init(events: [ProposedEvent], shared: EventMetadata, dictionary: CompressionDictionary?, compressors: CompressorPool) {
        self.events = events
        self.shared = shared
        self.dictionary = dictionary
        self.compressors = compressors
        chunkCount = (events.count + Self.chunkSize - 1) / Self.chunkSize
        chunks = [Chunk?](repeating: nil, count: chunkCount)
    }

    func range(of chunk: Int) -> Range<Int> {
        chunk * Self.chunkSize..<min(events.count, (chunk + 1) * Self.chunkSize)
    }

    /// Starts the helper when the batch has more than one chunk and there is a core for it.
    func start() {
        guard chunkCount > 1, ProcessInfo.processInfo.activeProcessorCount > 1 else { return }
        Self.helpers.async { [self] in
            while let chunk = claim() { run(chunk) }
        }
    }

    /// Prepares the next unclaimed chunk; false when none is left.
    func prepareNext() -> Bool {
        guard let chunk = claim() else { return false }
        run(chunk)
        return true
    }

    /// Returns `chunk` once it is prepared, preparing it (and any unclaimed chunk) meanwhile.
    func waitFor(chunk index: Int) -> Chunk {
        while true {
            condition.lock()
            if let chunk = chunks[index] {
                condition.unlock()
                return chunk
            }
            condition.unlock()
            if let next = claim() {
                run(next)
            } else {
                condition.lock()
                while chunks[index] == nil { condition.wait() }
                let chunk = chunks[index]!
                condition.unlock()
                return chunk
            }
        }
    }

    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard claimed < chunkCount else { return nil }
        claimed += 1
        return claimed - 1
    }

    private func run(_ index: Int) {
        compressors.withCompressor { run(index, compressor: $0) }
    }

    /// Events compressed together in one zstd frame: small records share the frame's fixed
    /// cost and each other's context, and a reader of one event decompresses at most this many.
    static let blockSize = 32
    /// Payload bytes after which a block takes no more events: large payloads (up to 16 MiB
    /// each) gain nothing from sharing a frame, and a reader of one event decompresses the whole.
    static let blockBytes = 64 << 10

    private func run(_ index: Int, compressor: Compressor?) {
        var metadata = ByteWriter(capacity: 256)
        var block = ByteWriter(capacity: 8192)
        var scratch = [UInt8](repeating: 0, count: 8192)
        var offsets = [Int](repeating: 0, count: Self.blockSize + 1)
        let chunk = Chunk()
        let range = range(of: index)
        chunk.ends.reserveCapacity(range.count)
        chunk.flags.reserveCapacity(range.count)
        chunk.digests.reserveCapacity(range.count)
        events.withUnsafeBufferPointer { events in
            var start = range.lowerBound
            while start < range.upperBound {
                var end = start + 1
                var bytes = events[start].payload.count
                while end < min(start + Self.blockSize, range.upperBound), bytes < Self.blockBytes {
                    bytes += events[end].payload.count
                    end += 1
                }
                prepareBlock(
                    events, start..<end, into: chunk, metadata: &metadata, block: &block, scratch: &scratch,
                    offsets: &offsets, compressor: compressor)
                start = end
            }
        }
        condition.lock()
        chunks[index] = chunk
        condition.broadcast()
        condition.unlock()
    }

    /// Prepares consecutive events as one block: hashes each body, compresses them together,
    /// and encodes each record's tail (the first, the leader, holds the frame).
    private func prepareBlock(
        _ events: UnsafeBufferPointer<ProposedEvent>,
        _ range: Range<Int>,
        into chunk: Chunk,
        metadata: inout ByteWriter,
        block: inout ByteWriter,
        scratch: inout [UInt8],
        offsets: inout [Int],
        compressor: Compressor?
    ) {
        block.bytes.removeAll(keepingCapacity: true)
        for (member, index) in range.enumerated() {
            offsets[member] = block.bytes.count
            metadata.bytes.removeAll(keepingCapacity: true)
            EventBody.encodeCanonicalMetadata(events[index].metadata, into: &metadata)
            let effectiveAt = events[index].effectiveAt
            let type = events[index].type.rawValue
            var subject = events[index].subject
            let digest = subject.withUTF8 { subject in
                chunk.subjectHashes.append(SubjectHeadTable.hash(UnsafeRawBufferPointer(subject)))
                return metadata.bytes.withUnsafeBytes { metadata in
                    events[index].payload.withUnsafeBytes { payload in
                        EventHasher.contentDigest(
                            type: type, subject: UnsafeRawBufferPointer(subject), effectiveAt: effectiveAt,
                            metadata: metadata, payload: payload)
                    }
                }
            }
            chunk.digests.append(digest)
            EventBody.encodeStored(metadata: events[index].metadata, shared: shared, payload: events[index].payload, into: &block)
        }
        offsets[range.count] = block.bytes.count

        let bound = Compressor.bound(block.bytes.count)
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        let compressed: Int? = block.bytes.withUnsafeBytes { input in
            scratch.withUnsafeMutableBytes { output in
                try? compressor?.compress(input, into: output, dictionary: dictionary)
            }
        }
        let worthIt = compressed.map { $0 < block.bytes.count } ?? false
        let dictionaryID = dictionary?.id ?? 0
        let codec: EventRecord.Codec =
            !worthIt ? .raw : range.count > 1 ? .zstdBlock : dictionary == nil ? .zstd : .zstdDictionary
        block.bytes.withUnsafeBytes { bodies in
            scratch.withUnsafeBytes { frame in
                for (member, index) in range.enumerated() {
                    let body = UnsafeRawBufferPointer(rebasing: bodies[offsets[member]..<offsets[member + 1]])
                    let stored: UnsafeRawBufferPointer
                    switch codec {
                    case .raw: stored = body
                    case .zstd, .zstdDictionary: stored = UnsafeRawBufferPointer(rebasing: frame[0..<compressed!])
                    case .zstdBlock: stored = member == 0 ? UnsafeRawBufferPointer(rebasing: frame[0..<compressed!]) : UnsafeRawBufferPointer(rebasing: frame[0..<0])
                    }
                    let reference = EventRecord.BlockReference(
                        distance: UInt64(member), bodyOffset: offsets[member], blockLength: bodies.count)
                    let effectiveAt = events[index].effectiveAt
                    var subject = events[index].subject
                    subject.withUTF8 { subject in
                        EventRecord.encodeTail(
                            into: &chunk.tails, codec: codec, dictionaryID: dictionaryID, block: reference,
                            effectiveAt: effectiveAt, subject: UnsafeRawBufferPointer(subject),
                            bodyLength: body.count, storedBody: stored)
                    }
                    chunk.ends.append(chunk.tails.bytes.count)
                    chunk.flags.append(EventRecord.flags(codec: codec, hasEffectiveTime: effectiveAt != nil))
                }
            }
        }
    }
}
