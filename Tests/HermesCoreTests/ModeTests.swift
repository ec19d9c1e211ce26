import Testing
@testable import HermesCore

@Suite("hermes-init's mode, decided once")
struct ModeTests {
    func options(_ edit: (inout HermesInit.Options) -> Void = { _ in }) -> HermesInit.Options {
        var o = HermesInit.Options()
        edit(&o)
        return o
    }

    @Test("each situation gives its mode; as root under another init the boot steps come first")
    func situations() {
        let o = options()
        #expect(Mode.decide(options: o, situation: .command, root: true) == .exec)
        #expect(Mode.decide(options: o, situation: .pid1WithS6Overlay, root: true) == .execInit)
        #expect(Mode.decide(options: o, situation: .pid1, root: true) == .supervise(asPID1: true, bootSteps: false))
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: [0x61]), root: true) == .bootStepsThenExec)
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: []), root: false) == .exec)
    }

    @Test("the subreaper option supervises only when not PID 1, after any boot steps")
    func subreaper() {
        let o = options { $0.supervisor.subreaper = true }
        #expect(Mode.decide(options: o, situation: .command, root: true) == .supervise(asPID1: false, bootSteps: false))
        #expect(Mode.decide(options: o, situation: .pid1, root: true) == .supervise(asPID1: true, bootSteps: false))
        #expect(Mode.decide(options: o, situation: .pid1WithS6Overlay, root: true) == .execInit)
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: []), root: true) == .supervise(asPID1: false, bootSteps: true))
        #expect(Mode.decide(options: o, situation: .underOtherInit(pid1Name: []), root: false) == .supervise(asPID1: false, bootSteps: false))
    }

    @Test("help and version come before where it runs, which is then not even looked at")
    func ownCommands() {
        func never() -> Situation { Issue.record("situation was read"); return .pid1 }
        #expect(Mode.decide(options: options { $0.help = true }, situation: never(), root: true) == .printHelp)
        #expect(Mode.decide(options: options { $0.version = true }, situation: never(), root: true) == .printVersion)
    }

    @Test("the boot steps run in exactly the modes that say so")
    func bootSteps() {
        #expect(Mode.bootStepsThenExec.runsBootSteps)
        #expect(Mode.supervise(asPID1: false, bootSteps: true).runsBootSteps)
        #expect(!Mode.supervise(asPID1: true, bootSteps: false).runsBootSteps)
        #expect(!Mode.exec.runsBootSteps)
    }
}
