import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("credentials: resolving an ACCOUNT, deciding the drop")
struct CredentialsTests {
    @Test("numeric uid:gid resolves with no account files; names need them")
    func resolve() throws {
        let none: () throws(Failure) -> Bytes = { () throws(Failure) in
            throw Failure(111, b("must not read"))
        }
        let c = try Credentials.resolve(.userGroup(.id(5), .id(6)), readPasswd: none, readGroup: none)
        #expect(c == Credentials(uid: 5, gid: 6, groups: [6], entry: nil))
        #expect(try Credentials.resolve(.unchanged, readPasswd: none, readGroup: none) == nil)
        let passwd = b("u:x:5:50::/home/u:/bin/sh\n")
        let group = b("g:x:60:u\nh:x:70:u\n")
        let named = try Credentials.resolve(.user(.name(b("u"))), readPasswd: { passwd }, readGroup: { group })
        #expect(named?.groups == [50, 60, 70])
        let explicit = try Credentials.resolve(.userGroup(.name(b("u")), .name(b("h"))), readPasswd: { passwd }, readGroup: { group })
        #expect(explicit == Credentials(uid: 5, gid: 70, groups: [70], entry: PasswdEntry(name: b("u"), uid: 5, gid: 50, home: b("/home/u"))))
        #expect(throws: Failure.self) { try Credentials.resolve(.user(.id(9)), readPasswd: { passwd }, readGroup: { group }) }
    }
}
