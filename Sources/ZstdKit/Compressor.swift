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
