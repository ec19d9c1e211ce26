import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("the drop decision")
struct DropPlanTests {
    @Test("non-root callers: same uid runs unchanged, any other uid is refused")
    func plans() throws {
        let target = Credentials(uid: 10, gid: 10, groups: [10], entry: nil)
        let asRoot = CurrentIDs(ruid: 0, euid: 0, suid: 0, rgid: 0, egid: 0, sgid: 0)
        let asTarget = CurrentIDs(ruid: 10, euid: 10, suid: 10, rgid: 99, egid: 99, sgid: 99)
        let asOther = CurrentIDs(ruid: 11, euid: 11, suid: 11, rgid: 10, egid: 10, sgid: 10)
        let mixed = CurrentIDs(ruid: 10, euid: 10, suid: 0, rgid: 10, egid: 10, sgid: 10)
        #expect(try DropPlan.decide(target, current: asRoot) == .drop(target))
        #expect(try DropPlan.decide(target, current: asTarget) == .alreadyTarget)
        #expect(try DropPlan.decide(nil, current: asOther) == .unchanged)
        #expect(throws: Failure.self) { try DropPlan.decide(target, current: asOther) }
        #expect(throws: Failure.self) { try DropPlan.decide(target, current: mixed) }
    }
}
