import Foundation
import LMDBKit

#if canImport(Glibc)
import Glibc
#endif

extension Journal {
    /// Writes a consistent, compacted copy of the journal into `directory` (created; it must not
    /// exist or be empty), while appends go on, then verifies the copy.
    ///
    /// The copy is one read transaction's snapshot: every append committed before it began, and
    /// none after. Its files are mode 0600.
    /// - Returns: the copy's verification report.
    public func backup(to directory: String) throws -> VerificationReport {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: directory)) ?? []
            guard isDirectory.boolValue, contents.isEmpty else {
                throw JournalError(
                    .invalidEvent,
                    "the backup target \(directory) exists and is not an empty directory; choose a new path",
                    path: directory
                )
            }
        } else {
            do {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw JournalError(
                    .permissionDenied,
                    "cannot create the backup directory \(directory); check that its parent is writable",
                    path: directory,
                    underlying: error as NSError
                )
            }
        }
        do {
            try environment.copy(to: directory, compact: true)
        } catch let error as LMDBError {
            throw JournalError(.storage, "copying the journal to \(directory) failed: \(error.lmdbMessage)", path: directory, underlying: error)
        }
        chmod(directory + "/data.mdb", 0o600)
        let copy = try Journal.openReadOnly(path: directory)
        return try copy.verify()
    }
}
