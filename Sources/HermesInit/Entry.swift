import HermesCore

#if hasFeature(Embedded)
@_cdecl("main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    HermesInit.main(argc: argc, argv: argv)
}
#else
@main
struct HermesInitMain {
    static func main() {
        HermesInit.main(argc: CommandLine.argc, argv: CommandLine.unsafeArgv)
    }
}
#endif
