import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("groups the runtime gave")
struct RuntimeGroupsTests {
    let group = b("root:x:0:\nadm:x:4:root,alice\ndocker:x:998:hermes\nhermes:x:10000:\n")

    func given(_ current: [UInt32], to account: [UInt32] = []) -> [UInt32] {
        var groups = account
        RuntimeGroups.add(current, group: group, to: &groups)
        return groups
    }

    @Test("every group held at start but 0 and root's own from /etc/group, after the account's, none twice")
    func add() {
        #expect(given([]) == [])
        #expect(given([0]) == [])
        #expect(given([0, 4, 5000]) == [5000], "adm is root's own")
        #expect(given([998, 5000, 5001]) == [998, 5000, 5001])
        #expect(given([998, 5000], to: [10000, 998]) == [10000, 998, 5000])
        #expect(given([], to: [10000, 998]) == [10000, 998])
    }
}
