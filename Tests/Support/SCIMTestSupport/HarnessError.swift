/// Why the SCIM test harness could not start or reach a server or proxy: what went wrong and
/// what to do about it.
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
