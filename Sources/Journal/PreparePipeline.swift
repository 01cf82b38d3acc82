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
        var flags: [UInt8] = []
        var digests: [SHA256Digest] = []
    }

    static let chunkSize = 512

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
        DispatchQueue.global(qos: .userInitiated).async { [self] in
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

    private func run(_ index: Int, compressor: Compressor?) {
        var body = ByteWriter(capacity: 1024)
        var metadata = ByteWriter(capacity: 256)
        var scratch = [UInt8](repeating: 0, count: 2048)
        let chunk = Chunk()
        let range = range(of: index)
        chunk.ends.reserveCapacity(range.count)
        chunk.flags.reserveCapacity(range.count)
        chunk.digests.reserveCapacity(range.count)
        events.withUnsafeBufferPointer { events in
            for event in range {
                prepare(events[event], into: chunk, metadata: &metadata, body: &body, scratch: &scratch, compressor: compressor)
            }
        }
        condition.lock()
        chunks[index] = chunk
        condition.broadcast()
        condition.unlock()
    }

    private func prepare(
        _ event: borrowing ProposedEvent,
        into chunk: Chunk,
        metadata: inout ByteWriter,
        body: inout ByteWriter,
        scratch: inout [UInt8],
        compressor: Compressor?
    ) {
        metadata.bytes.removeAll(keepingCapacity: true)
        EventBody.encodeCanonicalMetadata(event.metadata, into: &metadata)
        body.bytes.removeAll(keepingCapacity: true)
        EventBody.encodeStored(metadata: event.metadata, shared: shared, payload: event.payload, into: &body)
        let effectiveAt = event.effectiveAt
        let type = event.type.rawValue
        var subject = event.subject
        let digest = subject.withUTF8 { subjectBytes in
            metadata.bytes.withUnsafeBytes { metadata in
                event.payload.withUnsafeBytes { payload in
                    EventHasher.contentDigest(
                        type: type, subject: UnsafeRawBufferPointer(subjectBytes), effectiveAt: effectiveAt,
                        metadata: metadata, payload: payload)
                }
            }
        }
        let flags: UInt8 = subject.withUTF8 { subjectBytes in
            let subject = UnsafeRawBufferPointer(subjectBytes)
            return body.bytes.withUnsafeBytes { body in
                let bound = Compressor.bound(body.count)
                if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
                let compressed: Int? = scratch.withUnsafeMutableBytes { output in
                    try? compressor?.compress(body, into: output, dictionary: dictionary)
                }
                var codec = EventRecord.Codec.raw
                if let compressed, compressed < body.count {
                    codec = dictionary == nil ? .zstd : .zstdDictionary
                }
                if codec == .raw {
                    EventRecord.encodeTail(
                        into: &chunk.tails, codec: codec, dictionaryID: 0, effectiveAt: effectiveAt,
                        subject: subject, bodyLength: body.count, storedBody: body)
                } else {
                    scratch.withUnsafeBytes { stored in
                        EventRecord.encodeTail(
                            into: &chunk.tails, codec: codec, dictionaryID: dictionary?.id ?? 0, effectiveAt: effectiveAt,
                            subject: subject, bodyLength: body.count,
                            storedBody: UnsafeRawBufferPointer(rebasing: stored[0..<compressed!]))
                    }
                }
                return EventRecord.flags(codec: codec, hasEffectiveTime: effectiveAt != nil)
            }
        }
        chunk.ends.append(chunk.tails.bytes.count)
        chunk.flags.append(flags)
        chunk.digests.append(digest)
    }
}
