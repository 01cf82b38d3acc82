#if os(Linux)
    import Foundation
    import Glibc

    /// An inotify watch on the inbox directory itself (not its subfolders, so the drop folder's own
    /// moves into `processing/`, `archive/` and `rejected/` never wake it).
    ///
    /// Events queue up in the kernel between waits, so something that lands while the daemon is
    /// busy scanning wakes the next wait at once rather than being missed.
    final class InboxWatch: Sendable {
        /// The inotify instance, non-blocking.
        private let descriptor: Int32

        /// Watches `path` for files created, closed after writing, or moved in, and for the inbox
        /// itself going away. Nil when inotify cannot be used (no more instances or watches allowed):
        /// the drop folder then waits out the whole timeout.
        init?(path: String) {
            let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            let events = IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
            guard inotify_add_watch(descriptor, path, UInt32(events)) >= 0 else {
                close(descriptor)
                return nil
            }
            self.descriptor = descriptor
        }

        deinit { close(descriptor) }

        /// Returns when an event arrives (or has arrived since the last wait), when `timeout` has
        /// passed, or when the task is cancelled; nil at once when no descriptor is left to wait
        /// with. The blocking `poll` runs on a thread of its own, so the cooperative pool is never
        /// held up.
        func wait(timeout: Duration) async -> DropFolder.Wake? {
            guard let cancellation = CancellationSignal() else { return nil }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        continuation.resume(returning: self.block(until: .now + timeout, cancellation: cancellation))
                    }
                }
            } onCancel: {
                cancellation.signal()
            }
        }

        /// Polls the watch and the cancellation signal until one fires or `deadline` passes.
        private func block(until deadline: ContinuousClock.Instant, cancellation: CancellationSignal) -> DropFolder.Wake
        {
            while true {
                let remaining = ContinuousClock.now.duration(to: deadline)
                var descriptors = [
                    pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: cancellation.descriptor, events: Int16(POLLIN), revents: 0),
                ]
                let result = poll(&descriptors, 2, Self.milliseconds(remaining))
                if result < 0 {
                    if errno == EINTR { continue }
                    // poll itself failed: fall back to the timeout rather than spin.
                    if remaining > .zero { Thread.sleep(forTimeInterval: Self.seconds(remaining)) }
                    return .timedOut
                }
                if descriptors[1].revents != 0 { return .cancelled }
                if descriptors[0].revents != 0 {
                    drain()
                    return .landed
                }
                return .timedOut
            }
        }

        /// Reads and discards every queued event: one wake-up stands for all of them.
        private func drain() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        }

        /// `duration` in whole milliseconds for `poll`, rounded up so a wait never ends early.
        private static func milliseconds(_ duration: Duration) -> Int32 {
            guard duration > .zero else { return 0 }
            let (seconds, attoseconds) = duration.components
            let total = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            return Int32(clamping: total)
        }

        private static func seconds(_ duration: Duration) -> Double {
            let (seconds, attoseconds) = duration.components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
    }

    /// A pipe a cancellation handler writes to, to wake a thread blocked in `poll`. Closed when
    /// the last of the waiting thread and the handler lets go of it, so a late handler never writes
    /// to a descriptor number reused since. (A pipe rather than an eventfd: Swift's Glibc module
    /// does not export `eventfd` or `pipe2`.)
    private final class CancellationSignal: Sendable {
        /// The end `poll` watches.
        let descriptor: Int32
        /// The end the handler writes to.
        private let writer: Int32

        init?() {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { return nil }
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
            descriptor = ends[0]
            writer = ends[1]
        }

        deinit {
            close(descriptor)
            close(writer)
        }

        func signal() {
            var byte: UInt8 = 1
            _ = write(writer, &byte, 1)
        }
    }
#endif
