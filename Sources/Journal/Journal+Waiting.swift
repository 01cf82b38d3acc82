extension Journal {
    /// Returns once this process has appended beyond `position` (at once if it already has).
    /// Appends by other processes do not wake it: a waiter that must see them also polls.
    public func waitForAppend(beyond position: JournalPosition) async throws {
        try await notifier.wait(beyond: position.rawValue)
    }
}
