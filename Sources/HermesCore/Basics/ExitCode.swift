/// The exit-code contract, in one place. privdrop and hermes-init use the skarnet
/// codes before they exec; after an exec the code is the program's own. In PID-1 mode
/// hermes-init exits with its child's status, or 128+N when signal N killed it.
public enum ExitCode {
    /// Unknown user or group, or an account with no usable passwd entry.
    public static let unknownAccount: Int32 = 1
    /// Bad options or an account spec that cannot be parsed.
    public static let usage: Int32 = 100
    /// A system call failed before the exec (reading /etc files and envdirs included).
    public static let systemCall: Int32 = 111
    /// The program was found but could not be executed.
    public static let cannotExecute: Int32 = 126
    /// The program, or the interpreter named in its `#!` line, was not found.
    public static let notFound: Int32 = 127
}
