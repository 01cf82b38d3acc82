import DurableFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DropFolder {
    /// Takes `file` by renaming it into `processing/`, and removes its markers. Returns nil when
    /// the file is gone, because another process claimed it first: an expected outcome, not an
    /// error.
    public func claim(_ file: ReadyFile) throws -> ClaimedFile? {
        guard let name = try FileMove.claim(file.path, originalName: file.name, into: processingPath) else {
            forgetStability(of: file.name)
            return nil
        }
        forgetStability(of: file.name)
        for marker in file.markers where unlink(marker) != 0 {
            let error = errno
            if error == ENOENT { continue }
            // The file is ours already, but a marker left behind would mark the next upload
            // under this name complete before it is: say so rather than carry on.
            let cause = InboxError.failed("remove the marker", path: marker, errorNumber: error)
            throw InboxError(
                cause.code,
                cause.message + "; the file it marks was claimed as processing/\(name) and is found by abandoned() "
                    + "after a restart. Remove the marker by hand, or the next upload of \(file.name) counts as "
                    + "complete before it is",
                path: marker, errorNumber: error)
        }
        return ClaimedFile(originalName: file.name, name: name, path: processingPath + "/" + name)
    }

    /// Moves a processed file to `archive/`, keeping its stamped name (or a fresh one, should
    /// that be taken).
    public func archive(_ claimed: ClaimedFile) throws {
        _ = try FileMove.place(
            claimed.path, into: archivePath, preferredName: claimed.name, originalName: claimed.originalName)
    }

    /// Moves a refused file to `rejected/` and writes `<name>.reason.txt` beside it holding
    /// `reason`. The reason is written first, so a crash leaves either the file still in
    /// `processing/` or the file rejected with its reason.
    public func reject(_ claimed: ClaimedFile, reason: String) throws {
        _ = try FileMove.place(
            claimed.path, into: rejectedPath, preferredName: claimed.name, originalName: claimed.originalName
        ) { name in
            try writeReason(reason, to: rejectedPath + "/" + name + ".reason.txt")
        }
    }

    /// The files left in `processing/` by a process that stopped before archiving or rejecting
    /// them, oldest claim first. Process them again: ingest is idempotent by content.
    ///
    /// - Important: Call this at start-up, before claiming, and only when no other process works
    ///   on this inbox: a file another process is processing looks the same.
    public func abandoned() throws -> [ClaimedFile] {
        var files: [ClaimedFile] = []
        for name in try DirectoryListing.names(in: processingPath).sorted() {
            let path = processingPath + "/" + name
            guard try FileStatus.of(path)?.isRegularFile == true else { continue }
            files.append(ClaimedFile(originalName: StampedName.original(of: name), name: name, path: path))
        }
        return files
    }

    /// Writes `reason` and a newline to `path` through a temporary file of its own, synced and
    /// renamed, so the reason file is whole or absent.
    private func writeReason(_ reason: String, to path: String) throws {
        do {
            try DurableFile.replace(path, with: Array((reason + "\n").utf8), permissions: 0o640)
        } catch {
            throw InboxError.failed("write the reason file", path: error.path, errorNumber: error.errorNumber)
        }
    }
}
