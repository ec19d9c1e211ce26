import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("hermes-init's own options")
struct HermesInitArgsTests {
    func parse(_ args: [String], env: [String: String] = [:]) throws(Failure) -> HermesInit.Options {
        let argv = CStringArray((["hermes-init"] + args).map { b($0) })
        return try HermesInit.parse(argc: Int32(args.count + 1), argv: argv.pointer) { name in
            env[String(decoding: Bytes(name), as: UTF8.self)].map { b($0) }
        }
    }

    @Test("grace times in seconds with up to three decimals")
    func grace() throws {
        #expect(try HermesInit.parseGrace(b("5")) == 5000)
        #expect(try HermesInit.parseGrace(b("0")) == 0)
        #expect(try HermesInit.parseGrace(b("2.5")) == 2500)
        #expect(try HermesInit.parseGrace(b("0.125")) == 125)
        for bad in ["", "-1", "1.2345", "1.", "x", "86401", "1e3", " 1"] {
            #expect(throws: Failure.self, "\(bad)") { try HermesInit.parseGrace(b(bad)) }
        }
    }

    @Test("exit-code maps")
    func maps() throws {
        #expect(try HermesInit.parseMap(b("143:0")).map { [$0.from, $0.to] } == [[143, 0]])
        #expect(try HermesInit.parseMap(b("3:4, 5:6")).map { [$0.from, $0.to] } == [[3, 4], [5, 6]])
        for bad in ["300:0", "0:256", "a:b", "143", ":0", "143:"] {
            #expect(throws: Failure.self, "\(bad)") { try HermesInit.parseMap(b(bad)) }
        }
    }

    @Test("only leading --hermes-init- arguments are ours; options beat variables")
    func options() throws {
        let o = try parse(["--hermes-init-grace=1.5", "--hermes-init-pgroup", "--hermes-init-map=143:0", "chat", "--hermes-init-help"],
                          env: ["HERMES_INIT_GRACE": "9", "HERMES_INIT_MAP": "1:2", "HERMES_INIT_SUBREAPER": "1"])
        #expect(o.firstArgument == 4)
        #expect(!o.help)
        #expect(o.supervisor.graceMilliseconds == 1500)
        #expect(o.supervisor.processGroup && o.supervisor.subreaper)
        #expect(o.supervisor.exitMap.map { [$0.from, $0.to] } == [[1, 2], [143, 0]])
        #expect(try parse(["--help"]).firstArgument == 1, "--help belongs to the container command")
        #expect(try parse([]).supervisor.graceMilliseconds == 5000)
        #expect(try parse([], env: ["HERMES_INIT_PGROUP": "0"]).supervisor.processGroup == false)
        #expect(throws: Failure.self) { try parse(["--hermes-init-nope"]) }
        #expect(throws: Failure.self) { try parse([], env: ["HERMES_INIT_GRACE": "soon"]) }
    }

    @Test("the final exit code is remapped by the first matching pair")
    func remap() {
        var o = Supervisor.Options()
        o.exitMap = [(143, 0), (143, 1), (2, 3)]
        #expect(o.remap(143) == 0 && o.remap(2) == 3 && o.remap(7) == 7)
    }
}
