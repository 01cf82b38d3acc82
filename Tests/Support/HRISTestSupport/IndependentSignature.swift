import Foundation

/// Webhook signatures made by Python's `hmac` module, not by Roster's code, so that verifying
/// them tests Roster against an implementation it does not share.
public enum IndependentSignature {
    /// Lower-case hex HMAC-SHA256 of `body` followed by `timestamp`, under `key`, as BambooHR
    /// signs deliveries; computed by `python3`.
    public static func bambooHR(body: [UInt8], timestamp: String, key: String) throws -> String {
        let script = """
            import hashlib, hmac, sys
            body = sys.stdin.buffer.read()
            print(hmac.new(sys.argv[1].encode(), body + sys.argv[2].encode(), hashlib.sha256).hexdigest())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, key, timestamp]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(body))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SignatureFailure("python3 could not sign the body (exit \(process.terminationStatus))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Python could not sign a body.
struct SignatureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
