import Digest
import DurableFiles
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
        // The temporary file is one of its own for each write: the same content can arrive twice
        // at once (a webhook delivered again before the first is answered), and renaming over a
        // copy another writer just put there replaces the same bytes.
        do {
            try DurableFile.replace(path, with: bytes, permissions: 0o600)
        } catch {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: error.path, NSLocalizedDescriptionKey: error.description])
        }
    }

    /// The bytes kept under `digest`.
    public func bytes(of digest: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + digest.prefix(2) + "/" + digest)))
    }
}
