/// hermes-init: main-wrapper.sh in one process. (Filled in by the hermes-init work.)
public enum HermesInit {
    public static func main(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Never {
        Diagnostics(program: "hermes-init").fatal(
            Failure.unable(ExitCode.systemCall, Bytes("start"), Bytes("not implemented yet")))
    }
}
