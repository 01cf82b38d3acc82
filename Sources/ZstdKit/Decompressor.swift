import CZstd

/// Decompresses the lean frames written by ``Compressor``.
///
/// - Important: Not thread-safe: use one decompressor per thread.
public final class Decompressor {
    private let context: OpaquePointer

    /// Creates a decompressor.
    public init() throws {
        guard let context = ZSTD_createDCtx() else {
            throw CompressionError(operation: "create context", message: "out of memory")
        }
        self.context = context
        do {
            _ = try checkZstd(
                ZSTD_DCtx_setParameter(context, ZSTD_d_experimentalParam1, Int32(ZSTD_f_zstd1_magicless.rawValue)),
                "set magicless format"
            )
        } catch {
            ZSTD_freeDCtx(context)
            throw error
        }
    }

    deinit {
        ZSTD_freeDCtx(context)
    }

    /// Decompresses `input` into `output`, which must be exactly the original size, and throws
    /// unless the frame fills it exactly.
    public func decompress(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        dictionary: CompressionDictionary?
    ) throws {
        _ = try checkZstd(ZSTD_DCtx_refDDict(context, dictionary?.decompressionDictionary), "use dictionary")
        try decompressFrame(input, into: output)
    }

    /// Decompresses a frame made by ``Compressor/compress(_:into:prefix:)`` against the same
    /// `prefix` bytes; `output` must be exactly the original size.
    public func decompress(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        prefix: UnsafeRawBufferPointer
    ) throws {
        _ = try checkZstd(ZSTD_DCtx_refPrefix(context, prefix.baseAddress, prefix.count), "use prefix")
        try decompressFrame(input, into: output)
    }

    /// Decompresses one frame with the dictionary or prefix already referenced; throws unless it
    /// fills `output` exactly.
    private func decompressFrame(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        let written = try checkZstd(
            ZSTD_decompressDCtx(context, output.baseAddress, output.count, input.baseAddress, input.count),
            "decompress"
        )
        guard written == output.count else {
            throw CompressionError(
                operation: "decompress",
                message: "frame holds \(written) bytes where \(output.count) were recorded"
            )
        }
    }

    /// Decompresses `input`, whose original size is `originalSize`.
    public func decompress(
        _ input: UnsafeRawBufferPointer,
        originalSize: Int,
        dictionary: CompressionDictionary?
    ) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: originalSize) { buffer, count in
            try decompress(input, into: UnsafeMutableRawBufferPointer(buffer), dictionary: dictionary)
            count = originalSize
        }
    }
}
