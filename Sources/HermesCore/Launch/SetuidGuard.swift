/// A helper installed setuid or setgid would hand root to whoever runs it: both
/// programs refuse to start that way.
enum SetuidGuard {
    static func refuse() throws(Failure) {
        if Sys.isSecureExecution() {
            throw Failure.unable(ExitCode.setup, Bytes("start"),
                                 Bytes("refusing to run as a setuid or setgid program"))
        }
    }
}
