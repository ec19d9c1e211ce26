import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("passwd and group parsing")
struct UserDatabaseTests {
    @Test("a plain record is found by name and by uid")
    func plain() {
        let p = b("root:x:0:0:root:/root:/bin/sh\nhermes:x:10000:10001:H:/opt/data:/bin/sh\n")
        let e = UserDatabase.findUser(in: p, name: b("hermes"))
        #expect(e == PasswdEntry(name: b("hermes"), uid: 10000, gid: 10001, home: b("/opt/data")))
        #expect(UserDatabase.findUser(in: p, uid: 10000)?.name == b("hermes"))
        #expect(UserDatabase.findUser(in: p, uid: 0)?.name == b("root"))
        #expect(UserDatabase.findUser(in: p, name: b("herm")) == nil)
        #expect(UserDatabase.findUser(in: p, name: b("hermesx")) == nil)
    }

    @Test("comments, blank lines and NIS lines are skipped")
    func skipped() {
        let p = b("# hermes:x:1:1::/:/bin/sh\n\n+hermes:x:2:2::/:/bin/sh\n-hermes:x:3:3::/:/bin/sh\n+\n-\nhermes:x:4:4::/:/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("hermes"))?.uid == 4)
        #expect(UserDatabase.findUser(in: p, name: b("+hermes")) == nil)
    }

    @Test("missing or extra fields make a line malformed, never a match", arguments: [
        "hermes:x:10:10::/home",
        "hermes:x:10:10::/home:/bin/sh:extra",
        "hermes:x:10",
        "hermes",
        ":x:10:10::/:/bin/sh",
    ])
    func fieldCount(line: String) {
        let p = b(line + "\nhermes:x:20:20::/ok:/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("hermes"))?.uid == 20)
        #expect(UserDatabase.findUser(in: p, uid: 10) == nil)
    }

    @Test("CRLF line ends and a missing final newline")
    func lineEnds() {
        let p = b("a:x:1:1::/a:/bin/sh\r\nb:x:2:2::/b:/bin/sh")
        #expect(UserDatabase.findUser(in: p, name: b("a"))?.home == b("/a"))
        #expect(UserDatabase.findUser(in: p, name: b("b"))?.uid == 2)
        let g = b("ga:x:5:a,b\r\ngb:x:6:a")
        #expect(UserDatabase.memberships(in: g, user: b("b")) == [5])
        #expect(UserDatabase.memberships(in: g, user: b("a")) == [5, 6])
        #expect(UserDatabase.findGroup(in: g, name: b("gb")) == 6)
    }

    @Test("ids: beyond 32 bits, -1, negative, empty or not decimal make the line malformed", arguments: [
        "4294967296", "4294967295", "99999999999999999999", "-1", "", "1e3", "0x10", " 10", "10 ", "+10",
    ])
    func badIDs(id: String) {
        let p = b("u:x:\(id):1::/:/bin/sh\nu:x:7:7::/:/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("u"))?.uid == 7)
        let g = b("g:x:\(id):u\ng:x:8:u\n")
        #expect(UserDatabase.findGroup(in: g, name: b("g")) == 8)
    }

    @Test("leading zeros and the largest id are accepted")
    func goodIDs() {
        let p = b("u:x:0010:4294967294::/:/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("u"))?.uid == 10)
        #expect(UserDatabase.findUser(in: p, name: b("u"))?.gid == 4_294_967_294)
    }

    @Test("duplicate names: the first well-formed record wins")
    func duplicates() {
        let p = b("u:x:1:1::/first:/bin/sh\nu:x:2:2::/second:/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("u"))?.home == b("/first"))
        let g = b("g:x:1:\ng:x:2:\n")
        #expect(UserDatabase.findGroup(in: g, name: b("g")) == 1)
    }

    @Test("a NUL byte makes a line malformed")
    func nul() {
        var p = b("u:x:1:1::/a")
        p.append(0)
        p += b(":/bin/sh\nu:x:2:2::/b:/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("u"))?.uid == 2)
    }

    @Test("very long lines are parsed whole")
    func longLines() {
        let members = (0..<20000).map { "user\($0)" }.joined(separator: ",")
        let home = String(repeating: "h", count: 100_000)
        let p = b("u:x:1:1::/\(home):/bin/sh\n")
        #expect(UserDatabase.findUser(in: p, name: b("u"))?.home.count == 100_001)
        let g = b("big:x:77:\(members),target\n")
        #expect(UserDatabase.memberships(in: g, user: b("target")) == [77])
        #expect(UserDatabase.memberships(in: g, user: b("user19999")) == [77])
        #expect(UserDatabase.memberships(in: g, user: b("user2000")) == [77])
        #expect(UserDatabase.memberships(in: g, user: b("user")) == [])
    }

    @Test("member lists: exact names, empty items ignored")
    func members() {
        let g = b("a:x:1:alice,bob\nb:x:2:,alice,\nc:x:3:alicex,xalice\nd:x:4:\ne:x:5: alice\n")
        #expect(UserDatabase.memberships(in: g, user: b("alice")) == [1, 2])
        #expect(UserDatabase.memberships(in: g, user: b("")) == [])
    }

    @Test("the group list is the primary gid first, then each other gid once, ascending")
    func groupList() {
        let g = b("z:x:30:u\na:x:10:u\ndup:x:10:u\nprimary:x:5:u\nother:x:20:v\n")
        #expect(UserDatabase.groupList(primary: 5, in: g, user: b("u")) == [5, 10, 30])
        #expect(UserDatabase.groupList(primary: 99, in: g, user: b("nobody")) == [99])
    }
}
