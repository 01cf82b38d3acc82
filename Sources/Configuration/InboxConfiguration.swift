import Foundation
import Yams

/// A feed's drop folder (`inbox:` under a CSV feed in roster.yml), which `roster serve` watches.
///
/// ```yaml
/// feeds:
///   - name: bamboohr
///     kind: csv-snapshot
///     preset: bamboohr
///     inbox:
///       path: /srv/sftp/hrisdrop/incoming   # relative paths are relative to roster.yml
///       complete: renamed                   # renamed (x.csv.part -> x.csv), marker (x.csv.done), or stable
///       stable_seconds: 30                  # with complete: stable
/// ```
public struct InboxConfiguration: Sendable, Equatable {
    public enum Completion: String, Sendable, Equatable, CaseIterable {
        /// Uploaded under a temporary name, then renamed into place.
        case renamed
        /// Uploaded, then marked complete by `x.csv.done` (or `.ok`).
        case marker
        /// Complete once its size stayed the same for `stable_seconds`.
        case stable
    }

    /// The folder the sender drops files in, absolute.
    public var path: String
    public var completion = Completion.renamed
    public var stableSeconds = 30

    public init(path: String, completion: Completion = .renamed, stableSeconds: Int = 30) {
        self.path = path
        self.completion = completion
        self.stableSeconds = stableSeconds
    }
}

extension NodeReader {
    func inbox(_ node: Node, at key: String, base: URL) throws -> InboxConfiguration {
        let fields = try mapping(node, at: key, keys: ["path", "complete", "stable_seconds"])
        guard let pathNode = fields["path"] else { throw error(node, key, "an inbox needs a `path`: the folder the sender drops files in") }
        let path = try text(pathNode, at: "\(key).path")
        var inbox = InboxConfiguration(path: path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path)
        if let complete = fields["complete"] { inbox.completion = try choice(complete, at: "\(key).complete", what: "a completion rule") }
        if let stable = fields["stable_seconds"] {
            guard inbox.completion == .stable else {
                throw error(stable, "\(key).stable_seconds", "stable_seconds applies only with complete: stable")
            }
            inbox.stableSeconds = try integer(stable, at: "\(key).stable_seconds", minimum: 1)
        }
        return inbox
    }
}
