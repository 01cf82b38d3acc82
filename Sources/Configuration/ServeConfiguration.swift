import Foundation
import Yams

/// `serve:` in roster.yml: how `roster serve` listens, authenticates and logs.
///
/// ```yaml
/// serve:
///   listen: 127.0.0.1:8088         # the admin API and webhooks; loopback unless told otherwise (port 0: any free one)
///   token_env: ROSTER_ADMIN_TOKEN  # the bearer token every endpoint but /healthz requires (or token:)
///   log_format: json               # or text
///   log_level: info                # trace, debug, info, notice, warning, error, critical
///   max_body_bytes: 1048576        # larger webhook bodies are answered 413
/// ```
public struct ServeConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8088
    public var token: String?
    public var tokenEnvironmentVariable: String?
    public var logFormat = LogFormat.text
    public var logLevel = "info"
    public var maxBodyBytes = 1 << 20

    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        case text, json
    }

    public init() {}

    /// The admin token: from the file, or the environment variable it names.
    public func adminToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let token { return token }
        return tokenEnvironmentVariable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension NodeReader {
    func serve(_ node: Node) throws -> ServeConfiguration {
        let fields = try mapping(node, at: "serve", keys: ["listen", "token", "token_env", "log_format", "log_level", "max_body_bytes"])
        var serve = ServeConfiguration()
        if let listen = fields["listen"] {
            let text = try self.text(listen, at: "serve.listen")
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                throw error(listen, "serve.listen", "\"\(text)\" is not HOST:PORT, e.g. 127.0.0.1:8088")
            }
            serve.host = String(text[..<colon])
            serve.port = port
        }
        serve.token = try fields["token"].map { try text($0, at: "serve.token") }
        serve.tokenEnvironmentVariable = try fields["token_env"].map { try text($0, at: "serve.token_env") }
        if serve.token != nil, serve.tokenEnvironmentVariable != nil {
            throw error(fields["token"]!, "serve.token", "give either token or token_env, not both")
        }
        if let format = fields["log_format"] { serve.logFormat = try choice(format, at: "serve.log_format", what: "a log format") }
        if let level = fields["log_level"] {
            serve.logLevel = try choice(
                level, at: "serve.log_level", among: ["trace", "debug", "info", "notice", "warning", "error", "critical"], what: "a log level")
        }
        if let size = fields["max_body_bytes"] { serve.maxBodyBytes = try integer(size, at: "serve.max_body_bytes", minimum: 1) }
        return serve
    }
}
