import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, advisory lock on `writer.lock` in the journal directory, so only one process
/// appends. LMDB itself lets many processes write in turn; the journal's invariants (one writer
/// assigning sequences and keeping caches) need exactly one. The lock file holds the owner's pid.
/// The kernel drops the lock when the process dies, so a crash never leaves it stale.
final class WriterLock: Sendable {
    private let descriptor: Int32

    init(directory: String) throws {
        let path = directory + "/writer.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            throw JournalError(
                code == EACCES || code == EROFS || code == EPERM ? .permissionDenied : .storage,
                "cannot create the lock file \(path): \(String(cString: strerror(code))); "
                    + "check that the journal directory is writable by this user",
                path: directory
            )
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let owner = WriterLock.readOwner(fd)
            close(fd)
            throw JournalError(
                .locked,
                "the journal at \(directory) is in use by another process\(owner.map { " (pid \($0))" } ?? ""); "
                    + "stop that process, or open the journal read-only",
                path: directory
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func readOwner(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
