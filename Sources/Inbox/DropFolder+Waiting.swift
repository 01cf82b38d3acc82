extension DropFolder {
    /// Why ``wait(timeout:)`` returned.
    public enum Wake: Sendable, Equatable {
        /// Something was created, written or moved into the inbox (since the last wait, or during
        /// this one). Scan: it may or may not be a complete upload.
        case landed
        /// The timeout passed quietly. Scan anyway: the `.sizeStable` rule needs repeated scans,
        /// and inotify misses changes made over NFS and similar filesystems.
        case timedOut
        /// The waiting task was cancelled.
        case cancelled
    }

    /// Waits until something lands in the inbox or `timeout` passes, whichever comes first, so
    /// that a daemon reacts to an upload within moments without polling the directory in a
    /// tight loop. Uses inotify (`IN_MOVED_TO`, `IN_CLOSE_WRITE`, `IN_CREATE`) where available;
    /// elsewhere it waits out the timeout.
    ///
    /// - Important: This is only a wake-up. ``scan()`` is the truth: a wake-up does not mean a
    ///   file is complete, and a file can be complete without one (events before the drop folder
    ///   was opened, network filesystems, a lost queue overflow). Loop as
    ///   `scan`, process, `wait`, with a timeout of the polling interval.
    public func wait(timeout: Duration) async -> Wake {
        #if os(Linux)
            if let watch, let wake = await watch.wait(timeout: timeout) { return wake }
        #endif
        do {
            try await Task.sleep(for: timeout)
            return .timedOut
        } catch {
            return .cancelled
        }
    }
}
