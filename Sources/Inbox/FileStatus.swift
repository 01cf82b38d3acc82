#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `lstat` says about one directory entry: enough to tell a regular file from anything
/// else and to notice that an upload is still growing.
struct FileStatus: Sendable, Equatable {
    /// Whether the entry is a regular file (not a directory, symbolic link, socket, ...).
    let isRegularFile: Bool
    /// Whether the entry is a directory.
    let isDirectory: Bool
    /// The size in bytes.
    let size: Int64
    /// The modification time in nanoseconds since the epoch.
    let modifiedNanoseconds: Int64
    /// The inode: a file replaced by a rename has a new one even when its size matches.
    let inode: UInt64

    /// The status of `path` (not following a final symbolic link), or nil when nothing is there:
    /// another process may have claimed the file since the directory was listed.
    static func of(_ path: String) throws -> FileStatus? {
        var raw = stat()
        guard lstat(path, &raw) == 0 else {
            let error = errno
            if error == ENOENT { return nil }
            throw InboxError.failed("read the status of", path: path, errorNumber: error)
        }
        let type = raw.st_mode & S_IFMT
        #if canImport(Darwin)
            let modified = Int64(raw.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(raw.st_mtimespec.tv_nsec)
        #else
            let modified = Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec)
        #endif
        return FileStatus(
            isRegularFile: type == S_IFREG,
            isDirectory: type == S_IFDIR,
            size: Int64(raw.st_size),
            modifiedNanoseconds: modified,
            inode: UInt64(raw.st_ino)
        )
    }
}
