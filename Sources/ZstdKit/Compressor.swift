import CZstd

/// Compresses small records into lean frames: no magic number, no dictionary id, no content
/// size and no checksum. The caller keeps those (the journal's record header holds the
/// dictionary id and the raw length, and its hash chain covers integrity).
///
/// - Important: Not thread-safe: use one compressor per thread (zstd contexts are per thread).
public final class Compressor {
    private let context: OpaquePointer
    /// The level used without a dictionary; with one, the dictionary's level applies.
    public let level: Int32
    private var currentDictionary: CompressionDictionary?
    private var dictionarySet = false

    /// Creates a compressor at `level` (zstd's 1...19; 3 is its default). With `workers` above
    /// zero, large inputs are compressed by that many threads (one frame all the same).
    public init(level: Int32 = 3, workers: Int32 = 0) throws {
        guard let context = ZSTD_createCCtx() else {
            throw CompressionError(operation: "create context", message: "out of memory")
        }
        self.context = context
        self.level = level
        do {
            _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level")
            _ = try checkZstd(
                ZSTD_CCtx_setParameter(context, ZSTD_c_experimentalParam2, Int32(ZSTD_f_zstd1_magicless.rawValue)),
                "set magicless format"
            )
            _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0), "set content size flag")
            _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 0), "set checksum flag")
            _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0), "set dictionary id flag")
            if workers > 0 { _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers), "set worker threads") }
        } catch {
            ZSTD_freeCCtx(context)
            throw error
        }
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// The largest compressed size of `count` input bytes.
    public static func bound(_ count: Int) -> Int {
        ZSTD_compressBound(count)
    }

    /// Compresses `input` into `output`, which must hold ``bound(_:)`` bytes, and returns the
    /// compressed size.
    public func compress(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        dictionary: CompressionDictionary?
    ) throws -> Int {
        if !dictionarySet || currentDictionary !== dictionary {
            _ = try checkZstd(
                ZSTD_CCtx_refCDict(context, dictionary?.compressionDictionary),
                "use dictionary"
            )
            currentDictionary = dictionary
            dictionarySet = true
        }
        return try checkZstd(
            ZSTD_compress2(context, output.baseAddress, output.count, input.baseAddress, input.count),
            "compress"
        )
    }

    /// Compresses `input` into `output` (``bound(_:)`` bytes) against `prefix`: content already
    /// known to whoever decompresses it (``Decompressor/decompress(_:into:prefix:)`` with the
    /// same bytes), so what repeats it costs a reference, not its bytes. For versions of one
    /// thing (a snapshot against the one before it), the frame is a fraction of the size and is
    /// made faster: long matches are cheap, literals are not. No dictionary applies to it.
    public func compress(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        prefix: UnsafeRawBufferPointer
    ) throws -> Int {
        // The window reaches back over the whole prefix (the smallest power of two holding
        // both); the hash table is large enough to find the prefix's matches (level 1's holds
        // 2^13 positions).
        let total = prefix.count + input.count
        guard total <= Self.maximumPrefixed else {
            throw CompressionError(operation: "compress against a prefix", message: "\(total) bytes exceed the window")
        }
        let window = max(Self.minimumWindowLog, Int32(Int.bitWidth - max(total - 1, 1).leadingZeroBitCount))
        defer {
            // Back to the level's own parameters, without a checksum (and the dictionary, set
            // again when next used), whatever failed.
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, 0)
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_hashLog, 0)
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 0)
            dictionarySet = false
        }
        _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, window), "set window")
        _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_hashLog, min(window, Self.prefixHashLog)), "set hash table size")
        // A checksum of the content: decompressed against other bytes than these, the frame
        // fails rather than giving other content of the right size.
        _ = try checkZstd(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "set checksum flag")
        _ = try checkZstd(ZSTD_CCtx_refPrefix(context, prefix.baseAddress, prefix.count), "use prefix")
        return try checkZstd(
            ZSTD_compress2(context, output.baseAddress, output.count, input.baseAddress, input.count),
            "compress"
        )
    }

    /// The smallest window zstd takes.
    static let minimumWindowLog: Int32 = 10
    /// The most a prefix and its input may hold together: the largest window a decompressor
    /// takes by default (128 MiB).
    public static let maximumPrefixed = 1 << 27
    /// The hash table for compressing against a prefix: 2^18 positions (measured on snapshot
    /// frames of about 600 KB against the snapshot before: a quarter of the size they take
    /// alone, made in half the time in isolation).
    static let prefixHashLog: Int32 = 18

    /// Compresses `input` and returns the frame.
    public func compress(_ input: [UInt8], dictionary: CompressionDictionary?) throws -> [UInt8] {
        let capacity = Self.bound(input.count)
        return try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = try input.withUnsafeBytes { input in
                try compress(input, into: UnsafeMutableRawBufferPointer(buffer), dictionary: dictionary)
            }
        }
    }
}
