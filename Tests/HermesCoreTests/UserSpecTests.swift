import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("ACCOUNT parsing")
struct UserSpecTests {
    @Test("every accepted form")
    func forms() throws {
        #expect(try UserSpec.parse(b("")) == .unchanged)
        #expect(try UserSpec.parse(b("hermes")) == .user(.name(b("hermes"))))
        #expect(try UserSpec.parse(b("10000")) == .user(.id(10000)))
        #expect(try UserSpec.parse(b("0")) == .user(.id(0)))
        #expect(try UserSpec.parse(b("hermes:docker")) == .userGroup(.name(b("hermes")), .name(b("docker"))))
        #expect(try UserSpec.parse(b("hermes:998")) == .userGroup(.name(b("hermes")), .id(998)))
        #expect(try UserSpec.parse(b("10000:10000")) == .userGroup(.id(10000), .id(10000)))
        #expect(try UserSpec.parse(b("10000:docker")) == .userGroup(.id(10000), .name(b("docker"))))
        #expect(try UserSpec.parse(b("007")) == .user(.id(7)))
        #expect(try UserSpec.parse(b("4294967294")) == .user(.id(4_294_967_294)))
        #expect(try UserSpec.parse(b("0x10")) == .user(.name(b("0x10"))))
        #expect(try UserSpec.parse(b("-1")) == .user(.name(b("-1"))))
        #expect(try UserSpec.parse(b("1abc")) == .user(.name(b("1abc"))))
    }

    @Test("every malformed form", arguments: [
        (":", UserSpec.ParseError.emptyUser), (":docker", .emptyUser), ("hermes:", .emptyGroup),
        ("a:b:c", .tooManyColons), ("::", .tooManyColons), ("4294967295", .idOutOfRange),
        ("99999999999", .idOutOfRange), ("1:4294967295", .idOutOfRange), ("4294967296:1", .idOutOfRange),
    ])
    func malformed(spec: String, error: UserSpec.ParseError) {
        #expect(throws: error) { try UserSpec.parse(b(spec)) }
    }
}
