import Digest
import Foundation

/// Keeps every received file byte for byte, under the SHA-256 of its content, before anything
/// else happens to it: nothing an HRIS sends is lost, whatever becomes of it.
public struct ReceivedFileStore: Sendable {
    /// The directory files are kept in (`<sha256[0..2]>/<sha256>`, mode 0600).
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Keeps `bytes` (durably: written to a temporary file, synced, renamed into place) and
    /// returns their SHA-256 in hex. Keeping the same content twice keeps one copy.
    @discardableResult
    public func keep(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hash(bytes).hex
        try keep(bytes, digest: digest)
        return digest
    }

    /// Keeps `bytes` under `digest`, their SHA-256 computed by the caller.
    func keep(_ bytes: [UInt8], digest: String) throws {
        let folder = directory + "/" + digest.prefix(2)
        let path = folder + "/" + digest
        let manager = FileManager.default
        if manager.fileExists(atPath: path) { return }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // A name of its own for each write: the same content can arrive twice at once (a webhook
        // delivered again before the first is answered), and two writers sharing one temporary
        // file truncated each other's, then the second rename found nothing to rename.
        let temporary = path + ".partial-\(getpid())-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        var renamed = false
        defer {
            close(descriptor)
            if !renamed { unlink(temporary) }
        }
        var written = 0
        try bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                guard count > 0 else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: temporary]) }
                written += count
            }
        }
        // Renaming over a copy another writer just put there replaces the same bytes.
        guard fsync(descriptor) == 0, rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        renamed = true
    }

    /// The bytes kept under `digest`.
    public func bytes(of digest: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + digest.prefix(2) + "/" + digest)))
    }
}
