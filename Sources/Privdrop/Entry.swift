import HermesCore

#if hasFeature(Embedded)
@_cdecl("main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    Privdrop.main(argc: argc, argv: argv)
}
#else
@main
struct PrivdropMain {
    static func main() {
        Privdrop.main(argc: CommandLine.argc, argv: CommandLine.unsafeArgv)
    }
}
#endif
