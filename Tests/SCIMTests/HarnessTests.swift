import Foundation
import SCIM
import SCIMTestSupport
import Testing

/// The test harness itself: the server stops on SIGINT, and a missing environment says how to make it.
@Suite struct HarnessTests {
    @Test func stopEndsTheServerOnSIGINTLongBeforeTheKillDeadline() async throws {
        let server = try await SCIMTestServer.start()
        let clock = ContinuousClock()
        let started = clock.now
        server.stop(deadline: .seconds(20))
        // Only SIGKILL, sent after the deadline, could take 20 s.
        #expect(clock.now - started < .seconds(10))
        let error = await scimError { try await server.client(timeout: .seconds(2)).serviceProviderConfiguration() }
        #expect(error?.status == 0)
    }

    @Test func aMissingEnvironmentSaysHowToCreateIt() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent(
            "no-such-venv-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        do {
            _ = try await SCIMTestServer.start(environment: missing)
            Issue.record("a server started from \(missing)")
        } catch let error as HarnessError {
            #expect(error.description.contains(missing))
            #expect(
                error.description.contains(
                    "python3 -m venv .venv-scim && .venv-scim/bin/pip install scim2-server==0.8.3"))
        }
    }

    @Test func theDefaultEnvironmentIsAtThePackageRoot() {
        #expect(FileManager.default.fileExists(atPath: SCIMTestServer.packageRoot + "/Package.swift"))
        if ProcessInfo.processInfo.environment["ROSTER_SCIM_VENV"] == nil {
            #expect(SCIMTestServer.environmentPath == SCIMTestServer.packageRoot + "/.venv-scim")
        }
    }
}
