import Foundation
import SCIM
import SCIMTestSupport
import Testing

/// What the client reports when the path to the server fails, through a fault proxy in front of a
/// real scim2-server.
@Suite struct TransportFailureTests {
    /// A running server behind a proxy, and a client that goes through the proxy.
    struct Setup {
        let server: SCIMTestServer
        let proxy: FaultProxy
        let client: SCIMClient

        init(timeout: Duration = .seconds(10)) async throws {
            server = try await SCIMTestServer.start()
            proxy = try FaultProxy(forwardingTo: server.baseURL)
            client = SCIMClient(baseURL: proxy.baseURL, bearerToken: server.bearerToken, timeout: timeout)
        }

        func stop() {
            proxy.stop()
            server.stop()
        }
    }

    @Test func tooManyRequestsCarriesTheServersRetryAfter() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        setup.proxy.inject(.tooManyRequests(retryAfter: "1"))

        let error = try #require(await scimError { try await setup.client.findUser(externalId: "E1") })
        #expect(error.status == 429)
        #expect(error.retryAfter == .seconds(1))
        #expect(error.isTransient)
        // The fault was used up: the same request now reaches the server.
        #expect(try await setup.client.findUser(externalId: "E1") == nil)
        #expect(setup.proxy.count("GET", "/v2/Users") == 2)
    }

    @Test func unavailableWithAnHTTPDateRetryAfterWaitsUntilThatDate() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        setup.proxy.inject(.serviceUnavailable(retryAfter: formatter.string(from: Date().addingTimeInterval(120))))

        let error = try #require(await scimError { try await setup.client.serviceProviderConfiguration() })
        #expect(error.status == 503)
        #expect(error.isTransient)
        let wait = try #require(error.retryAfter)
        #expect(wait > .seconds(100) && wait <= .seconds(121))
    }

    @Test func aServerErrorIsTransientAndNamesTheRequest() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let user = try await setup.client.createUser(worker("8001"))
        setup.proxy.inject(.internalServerError)

        let id = try #require(user.id)
        let error = try #require(
            await scimError { try await setup.client.patchUser(id: id, operations: [.replace("active", false)]) })
        #expect(error.status == 500)
        #expect(error.isTransient)
        #expect(error.retryAfter == nil)
        #expect(error.description.contains("PATCH /Users/\(id)"))
        #expect(error.description.contains("injected by the fault proxy"))
        // The failed PATCH never reached the server.
        #expect(try await setup.client.user(id: id).active == true)
    }

    @Test func aDroppedConnectionIsATransientFailureWithoutStatus() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        setup.proxy.inject(.dropConnection)

        let error = try #require(await scimError { try await setup.client.listUsers() })
        #expect(error.status == 0)
        #expect(error.isTransient)
        #expect(error.underlying != nil)
        #expect(try await setup.client.listUsers().isEmpty)
        #expect(setup.proxy.faultsInjected == 1)
    }

    @Test func anAnswerSlowerThanTheTimeoutIsATransientFailure() async throws {
        let setup = try await Setup(timeout: .seconds(1))
        defer { setup.stop() }
        // The answer would come far later than the timeout, so even a loaded machine tells them apart.
        setup.proxy.inject(.delay(.seconds(30)))

        let clock = ContinuousClock()
        let started = clock.now
        let error = try #require(await scimError { try await setup.client.findUser(userName: "late@example.com") })
        let waited = clock.now - started
        #expect(error.status == 0)
        #expect(error.isTransient)
        #expect(error.description.contains("no answer within"))
        #expect(waited >= .milliseconds(900) && waited < .seconds(20))
    }

    @Test func aRefusedConnectionIsATransientFailureWithoutStatus() async throws {
        let setup = try await Setup()
        setup.stop()

        let error = try #require(await scimError { try await setup.client.listUsers() })
        #expect(error.status == 0)
        #expect(error.isTransient)
    }

    @Test func randomFaultsFromTheSameSeedRepeat() async throws {
        let setup = try await Setup()
        defer { setup.stop() }

        func pattern(_ proxy: FaultProxy) async throws -> [Int] {
            proxy.inject(.internalServerError, probability: 0.5, seed: 7)
            let client = SCIMClient(baseURL: proxy.baseURL, bearerToken: setup.server.bearerToken)
            var statuses: [Int] = []
            for _ in 0..<16 {
                statuses.append(await scimError { try await client.serviceProviderConfiguration() }?.status ?? 200)
            }
            return statuses
        }
        let first = try await pattern(setup.proxy)
        let replay = try FaultProxy(forwardingTo: setup.server.baseURL)
        defer { replay.stop() }
        #expect(try await pattern(replay) == first)
        #expect(first.contains(500) && first.contains(200))
        #expect(setup.proxy.count("GET", "/v2/ServiceProviderConfig") == 16)
    }
}
