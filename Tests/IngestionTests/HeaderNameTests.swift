@testable import Ingestion
import Testing

/// Header names and codes compare the same whichever way they are normalised.
@Suite struct HeaderNameTests {
    @Test func theASCIIPathAgreesWithTheUnicodeOneOnEveryASCIIByte() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = (0x00...0x7F).map { Character(Unicode.Scalar(UInt8($0))) }
        for length in 0..<40 {
            for _ in 0..<200 {
                let name = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                #expect(HeaderName.normaliseASCII(name) == HeaderName.normaliseScalars(name), "\(Array(name.utf8))")
            }
        }
        #expect(HeaderName.normalise(" EMPLOYEE-ID ") == "employee id")
        #expect(HeaderName.normalise("Employee_ID") == HeaderName.normalise("employee id"))
        #expect(HeaderName.normalise("Ärztin\u{00A0}Nr") == "ärztin nr")
    }
}
