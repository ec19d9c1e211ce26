/// What hermes-init does, decided once at start from its options and where it runs
/// (`Situation`, read only when the options leave it open). Pure.
enum Mode: Equatable {
    /// O1: `--hermes-init-help`, `--hermes-init-version`.
    case printHelp
    case printVersion
    /// M2: PID 1 with s6-overlay installed: exec `/init` with ourselves as its CMD.
    case execInit
    /// M1, M4, M5: the CMD rules, then the program.
    case launch(Launch)

    /// How the program of the CMD rules is started.
    struct Launch: Equatable {
        /// B1-B4 first: as root under another init.
        var bootSteps = false
        /// nil: exec in place (M1); otherwise start it as a child and supervise it (I1-I5).
        var supervisor: Supervision? = nil
        /// PID 1's name under another init (empty when /proc cannot tell), for M5's warning.
        var otherInit: Bytes? = nil
    }

    enum Supervision: Equatable {
        case pid1
        /// Not PID 1: registered as a child subreaper (I5).
        case subreaper
    }

    static func decide(options: HermesInit.Options, situation: @autoclosure () -> Situation,
                       root: @autoclosure () -> Bool) -> Mode {
        if options.help { return .printHelp }
        if options.version { return .printVersion }
        let subreaper: Supervision? = options.supervisor.subreaper ? .subreaper : nil
        switch situation() {
        case .pid1WithS6Overlay:
            return .execInit
        case .pid1:
            return .launch(Launch(supervisor: .pid1))
        case .underOtherInit(let name):
            return .launch(Launch(bootSteps: root(), supervisor: subreaper, otherInit: name))
        case .command:
            return .launch(Launch(supervisor: subreaper))
        }
    }
}
