import Testing
@testable import HermesCore

@Suite("hermes-init's mode, decided once")
struct ModeTests {
    func options(_ edit: (inout HermesInit.Options) -> Void = { _ in }) -> HermesInit.Options {
        var o = HermesInit.Options()
        edit(&o)
        return o
    }

    typealias Launch = Mode.Launch
    let a: Bytes = [0x61]

    @Test("M1, M2, M4, M5: each situation gives its mode; as root under another init the boot steps come first")
    func situations() {
        let o = options()
        #expect(Mode.decide(options: o, situation: .command, root: true) == .launch(Launch()))
        #expect(Mode.decide(options: o, situation: .pid1WithS6Overlay, root: true) == .execInit)
        #expect(Mode.decide(options: o, situation: .pid1, root: true) == .launch(Launch(supervisor: .pid1)))
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: a), root: true)
            == .launch(Launch(bootSteps: true, otherInit: a)))
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: []), root: false)
            == .launch(Launch(otherInit: [])))
    }

    @Test("I5: the subreaper option supervises only when not PID 1, after any boot steps")
    func subreaper() {
        let o = options { $0.supervisor.subreaper = true }
        #expect(Mode.decide(options: o, situation: .command, root: true) == .launch(Launch(supervisor: .subreaper)))
        #expect(Mode.decide(options: o, situation: .pid1, root: true) == .launch(Launch(supervisor: .pid1)))
        #expect(Mode.decide(options: o, situation: .pid1WithS6Overlay, root: true) == .execInit)
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: []), root: true)
            == .launch(Launch(bootSteps: true, supervisor: .subreaper, otherInit: [])))
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: []), root: false)
            == .launch(Launch(supervisor: .subreaper, otherInit: [])))
    }

    @Test("O1: help and version come before where it runs, which is then not even looked at")
    func ownCommands() {
        func never() -> Situation { Issue.record("situation was read"); return .pid1 }
        #expect(Mode.decide(options: options { $0.help = true }, situation: never(), root: true) == .printHelp)
        #expect(Mode.decide(options: options { $0.version = true }, situation: never(), root: true) == .printVersion)
    }

    @Test("root is asked only under another init")
    func rootOnlyThere() {
        func never() -> Bool { Issue.record("root was read"); return true }
        for s in [Situation.command, .pid1, .pid1WithS6Overlay] {
            _ = Mode.decide(options: options(), situation: s, root: never())
        }
    }
}
