/// What hermes-init does, decided once at start from its arguments and where it runs
/// (`Situation`). Pure.
enum Mode: Equatable {
    case printHelp
    case printVersion
    /// PID 1 with s6-overlay installed: exec `/init` with ourselves as its CMD.
    case execInit
    /// Start the program as a child and supervise it: as PID 1 (an init), or as a child
    /// subreaper when asked to. `bootSteps`: run the boot steps first.
    case supervise(asPID1: Bool, bootSteps: Bool)
    /// Under a runtime's own init, as root: the boot steps, then the CMD rules and exec.
    case bootStepsThenExec
    /// The CMD rules, then exec in place.
    case exec

    static func decide(options: HermesInit.Options, situation: @autoclosure () -> Situation,
                       root: @autoclosure () -> Bool) -> Mode {
        if options.help { return .printHelp }
        if options.version { return .printVersion }
        let subreaper = options.supervisor.subreaper
        switch situation() {
        case .pid1WithS6Overlay:
            return .execInit
        case .pid1:
            return .supervise(asPID1: true, bootSteps: false)
        case .underOtherInit:
            let bootSteps = root()
            if subreaper { return .supervise(asPID1: false, bootSteps: bootSteps) }
            return bootSteps ? .bootStepsThenExec : .exec
        case .command:
            return subreaper ? .supervise(asPID1: false, bootSteps: false) : .exec
        }
    }

    /// The boot steps run first.
    var runsBootSteps: Bool {
        switch self {
        case .bootStepsThenExec, .supervise(_, true): return true
        default: return false
        }
    }
}
