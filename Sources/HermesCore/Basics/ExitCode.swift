/// The exit codes both programs use before they exec, one meaning each; defined, with the
/// rules that use them, in docs/contract.md ("Exit codes"). After an exec the code is the
/// program's own; as an init hermes-init exits with its child's status, or 128+N.
enum ExitCode {
    /// The account cannot be used: unknown (D2), or hermes-init's start uid (R3).
    static let account: Int32 = 1
    /// The installation or the container's setup makes the start unsafe or impossible
    /// (D9, M3): sysexits' EX_CONFIG.
    static let setup: Int32 = 78
    /// The command line is wrong.
    static let usage: Int32 = 100
    /// A system call failed, or the kernel refused or would refuse a change.
    static let systemCall: Int32 = 111
    /// The program was found but could not be executed.
    static let cannotExecute: Int32 = 126
    /// The program, the interpreter named in its `#!` line, or its loader was not found.
    static let notFound: Int32 = 127
}
